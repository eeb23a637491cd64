"""Sign-in and recovery limits count per person, whatever identifier is typed, and per address.

The attacker's path from issue 10: five wrong passwords for a username lock it, then the same
person's e-mail (any case, with spaces) and the right password must be refused too, and the
reverse; the admin site goes through the same page; the lock says when to try again.
"""

import html
import re

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse

from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

WRONG = "wrong-password-123"
LOCKED = "Trop de tentatives de connexion infructueuses"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def _sign_in(client, login, password, **extra):
    return client.post(reverse("account_login"), {"login": login, "password": password}, **extra)


def _lock(client, login):
    for _ in range(5):
        response = _sign_in(client, login, WRONG)
        assert LOCKED not in html.unescape(response.content.decode())


def _without_csrf(response) -> str:
    page = html.unescape(response.content.decode())
    return re.sub(r'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+', r"\1", page)


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.parametrize(
    "other_login",
    ["{email}", "{EMAIL}", "  {EMAIL}  ", "  ADMIN ", "Admin"],
    ids=["email", "email-upper", "email-spaces", "username-spaces-upper", "username-case"],
)
def test_locked_username_refuses_every_other_identifier_of_the_person(
    client, admin, password, other_login
):
    _lock(client, "admin")
    login = other_login.format(email=admin.email, EMAIL=admin.email.upper())
    response = _sign_in(client, login, password)
    assert not _signed_in(client)
    assert LOCKED in html.unescape(response.content.decode())


@pytest.mark.parametrize("other_login", ["admin", " ADMIN ", "{email}"])
def test_locked_email_refuses_the_username_too(client, admin, password, other_login):
    _lock(client, f"  {admin.email.upper()} ")
    response = _sign_in(client, other_login.format(email=admin.email), password)
    assert not _signed_in(client)
    assert LOCKED in html.unescape(response.content.decode())


def test_failures_add_up_across_identifiers(client, admin, password):
    for login in ("admin", admin.email, "ADMIN", admin.email.upper(), " admin "):
        _sign_in(client, login, WRONG)
    _sign_in(client, "admin", password)
    assert not _signed_in(client)


def test_lock_of_one_person_leaves_another_free(client, admin, user, password):
    _lock(client, "admin")
    # A fresh address: the per-address limit is not what is tested here.
    _sign_in(client, user.email, password, REMOTE_ADDR="192.0.2.7")
    assert _signed_in(client)


def test_right_password_below_the_limit_still_signs_in(client, admin, password):
    for login in ("admin", admin.email, "ADMIN", admin.email.upper()):
        _sign_in(client, login, WRONG)
    _sign_in(client, admin.email, password)
    assert _signed_in(client)


def test_lock_message_says_when_to_try_again(client, admin, password):
    with time_machine.travel("2026-03-10 09:00:00 +01:00", tick=False):
        _lock(client, "admin")
    with time_machine.travel("2026-03-10 09:01:00 +01:00", tick=False):
        page = html.unescape(_sign_in(client, admin.email, password).content.decode())
    # 5 failures at 09:00 within 5 minutes: free again at 09:05 Brussels time, 4 minutes later.
    assert "Réessayez dans 4 minutes" in page
    assert "09:05" in page
    with time_machine.travel("2026-03-10 09:05:01 +01:00", tick=False):
        _sign_in(client, admin.email, password)
        assert _signed_in(client)


def test_unknown_identifier_is_limited_and_answers_like_a_known_one(client, admin):
    unknown_pages, known_pages = [], []
    with time_machine.travel("2026-03-10 09:00:00 +01:00", tick=False):
        for _ in range(6):
            unknown_pages.append(_sign_in(client, "nobody.here", WRONG, REMOTE_ADDR="192.0.2.1"))
            known_pages.append(_sign_in(client, "admin", WRONG, REMOTE_ADDR="192.0.2.2"))
        # The unknown identifier is normalised like a known one.
        normalised = _sign_in(client, "  NOBODY.here ", WRONG, REMOTE_ADDR="192.0.2.3")

    def words(response):
        return re.sub(r'value="[^"]*"', "", _without_csrf(response))

    assert [words(r) for r in unknown_pages] == [words(r) for r in known_pages]
    assert LOCKED in words(unknown_pages[-1])
    assert LOCKED in words(normalised)


def test_failures_per_address_lock_every_account_from_it(client, admin, user, password):
    for n in range(10):
        _sign_in(client, f"someone{n}", WRONG, REMOTE_ADDR="198.51.100.9")
    _sign_in(client, "user", password, REMOTE_ADDR="198.51.100.9")
    assert not _signed_in(client)
    _sign_in(client, "user", password, REMOTE_ADDR="198.51.100.10")
    assert _signed_in(client)


# --- The admin site goes through the same page -----------------------------------------------


@pytest.fixture
def support(db):
    return UserFactory(username="support.agent", is_staff=True, is_superuser=True)


def test_admin_login_post_never_signs_in_by_itself(client, support, password):
    response = client.post(
        "/admin/login/?next=/admin/", {"username": "support.agent", "password": password}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert not _signed_in(client)


@pytest.mark.parametrize("locked_with, then", [("username", "email"), ("email", "username")])
def test_admin_site_locked_with_one_identifier_refuses_the_other(
    client, support, password, locked_with, then
):
    logins = {"username": "support.agent", "email": support.email.upper()}
    # The path a person takes: /admin/ → /admin/login/ → the sign-in page with next.
    login_url = client.get("/admin/login/?next=/admin/")["Location"]
    for _ in range(5):
        client.post(login_url, {"login": logins[locked_with], "password": WRONG})
    response = client.post(login_url, {"login": logins[then], "password": password})
    assert not _signed_in(client)
    assert LOCKED in html.unescape(response.content.decode())
    assert client.get("/admin/").status_code == 302


# --- Password recovery --------------------------------------------------------------------------


def _ask(client, login, **extra):
    return client.post(reverse("accounts:password-forgot"), {"login": login}, **extra)


def test_recovery_requests_count_per_person_across_identifiers(
    client, company, mailoutbox, django_capture_on_commit_callbacks
):
    person = MembershipFactory(
        company=company, can_recover_password=True, user__username="jeanne"
    ).user
    logins = ["jeanne", person.email, " JEANNE ", person.email.upper(), "Jeanne"]
    with django_capture_on_commit_callbacks(execute=True):
        for login in logins:
            assert _ask(client, login).status_code == 302
        refused = _ask(client, f" {person.email.upper()} ")
    assert refused.status_code == 200
    assert "Trop de demandes" in html.unescape(refused.content.decode())
    assert len(mailoutbox) == 5


def test_recovery_refusal_says_when_and_looks_the_same_for_an_unknown_login(
    client, company, django_capture_on_commit_callbacks
):
    MembershipFactory(company=company, can_recover_password=True, user__username="jeanne")
    with (
        time_machine.travel("2026-03-10 09:00:00 +01:00", tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        for _ in range(5):
            _ask(client, "jeanne", REMOTE_ADDR="192.0.2.1")
            _ask(client, "personne", REMOTE_ADDR="192.0.2.2")
        known = _ask(client, "JEANNE", REMOTE_ADDR="192.0.2.1")
        unknown = _ask(client, " Personne", REMOTE_ADDR="192.0.2.2")

    def words(response):
        return re.sub(r'value="[^"]*"', "", _without_csrf(response))

    assert words(known) == words(unknown)
    assert "Réessayez dans 1 minute" in words(known)
    assert "09:01" in words(known)


def test_password_reset_through_the_link_lifts_the_person_lock(
    client, company, mailoutbox, django_capture_on_commit_callbacks
):
    person = MembershipFactory(
        company=company, can_recover_password=True, user__username="jeanne"
    ).user
    _lock(client, "jeanne")
    with django_capture_on_commit_callbacks(execute=True):
        _ask(client, person.email)
    link = re.search(r"https?://\S+?(/accounts/recovery/\S+/)", mailoutbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    new = "Nouvelle-phrase-2026"
    client.post(form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    _sign_in(client, person.email, new)
    assert _signed_in(client)
