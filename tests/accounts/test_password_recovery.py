import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from accounts.models import Membership
from tests.factories import AdminMembershipFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


def _without_csrf(page: str) -> str:
    return re.sub(r'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+', r"\1", page)


def _ask(client, login, capture):
    with capture(execute=True):
        return client.post(reverse("accounts:password-forgot"), {"login": login}, follow=True)


def test_recovery_with_self_service_sends_username_and_a_working_link(
    client, company, mailoutbox, django_capture_on_commit_callbacks
):
    person = MembershipFactory(
        company=company, can_recover_password=True, user__username="jeanne"
    ).user
    _ask(client, person.email, django_capture_on_commit_callbacks)
    assert len(mailoutbox) == 1
    body = mailoutbox[0].body
    assert "jeanne" in body
    link = re.search(r"https?://\S+/accounts/recovery/\S+/", body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    form_page = client.get("/" + path, follow=True)
    assert "Choisir un nouveau mot de passe" in form_page.content.decode()
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "Nouvelle-phrase-2026", "new_password2": "Nouvelle-phrase-2026"},
        follow=True,
    )
    assert "Mot de passe enregistré" in done.content.decode()
    person.refresh_from_db()
    assert person.check_password("Nouvelle-phrase-2026")
    # The link is single-use.
    again = client.get("/" + path, follow=True)
    assert "ne fonctionne plus" in again.content.decode()


def test_recovery_without_self_service_names_the_admins_by_email_only(
    client, company, mailoutbox, django_capture_on_commit_callbacks
):
    AdminMembershipFactory(company=company, user__first_name="Alice", user__last_name="Admin")
    person = MembershipFactory(company=company, can_recover_password=False).user
    _ask(client, person.username, django_capture_on_commit_callbacks)
    assert len(mailoutbox) == 1
    assert "Alice Admin" in mailoutbox[0].body
    assert "/accounts/recovery/" not in mailoutbox[0].body


def test_recovery_answer_never_reveals_whether_an_account_exists(
    client, company, mailoutbox, django_capture_on_commit_callbacks
):
    with_right = MembershipFactory(company=company, can_recover_password=True).user
    without_right = MembershipFactory(company=company).user
    pages = [
        _without_csrf(_ask(client, login, django_capture_on_commit_callbacks).content.decode())
        for login in (with_right.username, without_right.username, "nobody-at-all")
    ]
    assert pages[0] == pages[1] == pages[2]
    assert len(mailoutbox) == 2  # nothing sent for the unknown login


def test_recovery_is_refused_for_deactivated_people(
    client, company, mailoutbox, django_capture_on_commit_callbacks
):
    person = MembershipFactory(company=company, can_recover_password=True).user
    person.is_active = False
    person.save()
    _ask(client, person.username, django_capture_on_commit_callbacks)
    assert mailoutbox == []


def test_recovery_email_in_the_persons_language(
    client, company, mailoutbox, django_capture_on_commit_callbacks
):
    person = MembershipFactory(company=company, can_recover_password=True).user
    person.language = "de"
    person.save()
    _ask(client, person.username, django_capture_on_commit_callbacks)
    assert "Benutzername" in mailoutbox[0].body


def test_recovery_requests_are_throttled_per_login(client, company):
    person = MembershipFactory(company=company, can_recover_password=True).user
    for _ in range(5):
        client.post(reverse("accounts:password-forgot"), {"login": person.username})
    response = client.post(reverse("accounts:password-forgot"), {"login": person.username})
    assert response.status_code == 200
    assert "Trop de demandes" in response.content.decode()
    assert Membership.objects.count() == 1


def test_allauth_reset_page_leads_to_our_recovery_page(client):
    response = client.get("/accounts/password/reset/")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password-forgot")
