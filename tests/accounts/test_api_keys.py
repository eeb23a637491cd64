"""A person's own API keys in the portal: listed without their secret, regenerated, shown once."""

import re

import pytest
from django.urls import reverse

from accounts.models import ApiKey, AuditEvent, MembershipKind
from accounts.services import api_key_issue
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

PAGE = "accounts:api-key"
REGENERATE = "accounts:api-key-regenerate"
KEY_PATTERN = re.compile(r"ses_[A-Za-z0-9_-]{40,}")


@pytest.fixture
def advanced(company):
    return MembershipFactory(
        company=company, kind=MembershipKind.ADVANCED, user__username="avance.martin"
    ).user


def test_api_key_pages_anonymous_go_to_sign_in(client):
    for name in (PAGE, REGENERATE):
        response = client.post(reverse(name)) if name == REGENERATE else client.get(reverse(name))
        assert response.status_code == 302 and reverse("account_login") in response["Location"]


def test_api_key_page_lists_keys_without_their_secret(client, advanced):
    key, plaintext = api_key_issue(user=advanced, actor=advanced)
    client.force_login(advanced)
    page = client.get(reverse(PAGE)).content.decode()
    assert key.prefix in page and "Active" in page
    assert plaintext not in page and not KEY_PATTERN.search(page)
    assert "Régénérer la clé" in page


def test_regenerating_shows_the_new_key_once_and_when_the_old_one_stops(client, advanced):
    old, old_plaintext = api_key_issue(user=advanced, actor=advanced)
    client.force_login(advanced)

    response = client.post(reverse(REGENERATE))
    assert response.status_code == 200  # rendered directly: the key never travels in a URL
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    page = response.content.decode()
    [shown] = set(KEY_PATTERN.findall(page))
    assert shown != old_plaintext
    assert "elle ne sera plus jamais affichée" in page
    assert "L'ancienne clé reste valable jusqu'au" in page

    new = ApiKey.objects.get(user=advanced, expires_at__isnull=True)
    assert shown.startswith(new.prefix)
    old.refresh_from_db()
    assert old.expires_at is not None and old.revoked_at is None
    assert AuditEvent.objects.filter(
        kind="api_key.regenerated", target_id=str(advanced.pk)
    ).exists()

    later = client.get(reverse(PAGE)).content.decode()
    assert shown not in later and not KEY_PATTERN.search(later)
    assert new.prefix in later and "Valable jusqu'au" in later  # the old key, in its grace period


def test_first_key_says_nothing_is_replaced(client, advanced):
    client.force_login(advanced)
    page = client.post(reverse(REGENERATE)).content.decode()
    assert len(set(KEY_PATTERN.findall(page))) == 1
    assert "C'est votre première clé" in page
    assert AuditEvent.objects.filter(kind="api_key.issued").count() == 1


def test_the_regenerated_key_opens_the_api(client, advanced):
    client.force_login(advanced)
    page = client.post(reverse(REGENERATE)).content.decode()
    [key] = set(KEY_PATTERN.findall(page))
    client.logout()
    response = client.get("/api/v1/rights", HTTP_AUTHORIZATION=f"Api-Key {key}")
    assert response.status_code == 200 and response.json()["user"]["username"] == "avance.martin"


def test_technical_user_may_regenerate(client, company):
    technical = MembershipFactory(company=company, kind=MembershipKind.TECHNICAL).user
    client.force_login(technical)
    assert client.post(reverse(REGENERATE)).status_code == 200
    assert ApiKey.objects.filter(user=technical).count() == 1


def test_regenerating_needs_an_advanced_or_technical_membership(client, user, admin):
    for person in (user, admin):
        client.force_login(person)
        assert client.post(reverse(REGENERATE)).status_code == 403
        page = client.get(reverse(PAGE)).content.decode()
        assert "réservées aux utilisateurs avancés et techniques" in page
        assert reverse(REGENERATE) not in page
    assert not ApiKey.objects.exists()


def test_deactivated_advanced_link_no_longer_allows_regenerating(client, company, advanced):
    advanced.memberships.update(status="deactivated")
    client.force_login(advanced)
    assert client.post(reverse(REGENERATE)).status_code == 403


def test_regenerate_only_answers_post(client, advanced):
    client.force_login(advanced)
    assert client.get(reverse(REGENERATE)).status_code == 405
    assert not ApiKey.objects.exists()


def test_someone_else_keys_never_appear(client, advanced, company):
    someone = MembershipFactory(company=company, kind=MembershipKind.ADVANCED).user
    theirs, _ = api_key_issue(user=someone, actor=someone)
    client.force_login(advanced)
    page = client.get(reverse(PAGE)).content.decode()
    assert theirs.prefix not in page and "pas encore de clé" in page
