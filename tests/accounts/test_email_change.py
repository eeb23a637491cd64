"""One e-mail per person, managed by the portal (issue 10, point 4).

allauth's e-mail management is closed; a person changes their own address on their account page,
with a confirmation sent to the new address: the e-mailed link's GET only shows, its POST
changes the address, writes an audit row and tells the old address. An address already used by
another login gets the same answers as a free one until the link is opened, by whoever holds
that mailbox.
"""

import html
import re

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent, User
from notifications.models import OutboundEmail
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CHANGE = "accounts:email-change"
NEW = "jeanne.neuve@example.org"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def _text(response) -> str:
    return html.unescape(response.content.decode())


def _ask(client, password, new=NEW, confirm=None, capture=None):
    data = {"new_email": new, "new_email_confirm": confirm or new, "password": password}
    if capture is None:
        return client.post(reverse(CHANGE), data)
    with capture(execute=True):
        return client.post(reverse(CHANGE), data)


def _link_path(mail) -> str:
    url = re.search(r"https?://\S+/me/email/confirm/\S+/", mail.body).group(0)
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


@pytest.fixture
def asked(client, user, password, mailoutbox, django_capture_on_commit_callbacks):
    """`user` signed in has asked for NEW; returns the path of the confirmation link."""
    client.force_login(user)
    response = _ask(client, password, capture=django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    return _link_path(mailoutbox[0])


# --- allauth's e-mail management is closed --------------------------------------------------


def test_allauth_email_page_leads_to_the_portal_page(client, user):
    client.force_login(user)
    response = client.get("/accounts/email/")
    assert response.status_code == 302
    assert response["Location"] == reverse(CHANGE)


def test_allauth_email_page_adds_no_address(client, user, mailoutbox):
    client.force_login(user)
    response = client.post("/accounts/email/", {"action_add": "", "email": "second@example.org"})
    assert response.status_code in (302, 404, 405)
    assert not EmailAddress.objects.filter(email__iexact="second@example.org").exists()
    user.refresh_from_db()
    assert user.email != "second@example.org"
    assert mailoutbox == []


@pytest.mark.parametrize("path", ["/accounts/confirm-email/", "/accounts/confirm-email/abc:def/"])
def test_allauth_email_confirmation_pages_are_gone(client, user, path):
    client.force_login(user)
    assert client.get(path).status_code == 404


# --- Asking for a change --------------------------------------------------------------------


def test_email_change_page_anonymous_goes_to_sign_in(client):
    for response in (client.get(reverse(CHANGE)), client.post(reverse(CHANGE), {})):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


def test_profile_links_to_the_email_change(client, user):
    client.force_login(user)
    page = _text(client.get(reverse("accounts:profile")))
    assert reverse(CHANGE) in page
    assert reverse("accounts:profile-edit") in page


def test_email_change_sends_a_link_to_the_new_address_and_changes_nothing_yet(
    client, user, password, mailoutbox, django_capture_on_commit_callbacks
):
    old = user.email
    client.force_login(user)
    response = _ask(client, password, capture=django_capture_on_commit_callbacks)
    assert response.status_code == 302
    page = _text(client.get(response["Location"]))
    assert f"Un e-mail de confirmation a été envoyé à {NEW}" in page
    assert [m.to for m in mailoutbox] == [[NEW]]
    assert "/me/email/confirm/" in mailoutbox[0].body
    user.refresh_from_db()
    assert user.email == old
    event = AuditEvent.objects.get(kind="user.email_change_requested")
    assert event.actor == user and event.after == {"email": NEW}


def test_email_change_is_written_in_the_person_language(
    client, user, password, django_capture_on_commit_callbacks
):
    user.language = "nl"
    user.save()
    client.force_login(user)
    _ask(client, password, capture=django_capture_on_commit_callbacks)
    assert OutboundEmail.objects.get(kind="email_change_confirm").language == "nl"


@pytest.mark.parametrize(
    "data, field",
    [
        ({"password": "not-my-password"}, "password"),
        ({"new_email_confirm": "other@example.org"}, "new_email_confirm"),
        ({"new_email": "user@example.com", "new_email_confirm": "USER@example.com"}, "new_email"),
        ({"new_email": "not-an-address", "new_email_confirm": "not-an-address"}, "new_email"),
    ],
    ids=["wrong-password", "confirmation-differs", "same-address", "invalid"],
)
def test_email_change_refused_sends_nothing(client, user, password, mailoutbox, data, field):
    client.force_login(user)
    form = {"new_email": NEW, "new_email_confirm": NEW, "password": password, **data}
    response = client.post(reverse(CHANGE), form)
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert mailoutbox == []
    assert not AuditEvent.objects.filter(kind="user.email_change_requested").exists()


def test_email_change_password_guesses_count_against_the_sign_in_lock(client, user, password):
    client.force_login(user)
    for _ in range(5):
        _ask(client, "not-my-password")
    response = _ask(client, password)
    assert response.status_code == 200
    assert "Trop de tentatives" in _text(response)


def test_address_of_another_login_gets_the_same_answer_as_a_free_one(
    client, user, password, mailoutbox, django_capture_on_commit_callbacks
):
    UserFactory(username="detenteur.x", email="pris@example.org")
    client.force_login(user)
    taken = _ask(
        client, password, new="PRIS@example.org", capture=django_capture_on_commit_callbacks
    )
    free = _ask(
        client, password, new="libre@example.org", capture=django_capture_on_commit_callbacks
    )
    assert taken.status_code == free.status_code == 302
    assert taken["Location"] == free["Location"]
    assert [m.to for m in mailoutbox] == [["pris@example.org"], ["libre@example.org"]]
    assert mailoutbox[0].subject == mailoutbox[1].subject


# --- The link -------------------------------------------------------------------------------


def test_link_get_only_shows_a_confirm_button(client, user, asked):
    old = user.email
    client.logout()
    for method in (client.get, client.head):
        response = method(asked)
        assert response.status_code == 200
    page = _text(client.get(asked))
    assert NEW in page and 'method="post"' in page
    user.refresh_from_db()
    assert user.email == old
    assert not AuditEvent.objects.filter(kind="user.email_changed").exists()


def test_link_post_changes_the_address_audits_and_tells_the_old_address(
    client, user, asked, mailoutbox, django_capture_on_commit_callbacks, password
):
    old = user.email
    client.logout()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(asked)
    assert response.status_code == 200
    assert "Votre adresse e-mail a été modifiée" in _text(response)
    user.refresh_from_db()
    assert user.email == NEW
    event = AuditEvent.objects.get(kind="user.email_changed")
    assert event.before == {"email": old} and event.after == {"email": NEW}
    notice = mailoutbox[-1]
    assert notice.to == [old]
    assert NEW in notice.body
    assert "/me/email/confirm/" not in notice.body
    # The new address signs in; the old one no longer does.
    client.post(reverse("account_login"), {"login": old, "password": password})
    assert "_auth_user_id" not in client.session
    client.post(reverse("account_login"), {"login": NEW.upper(), "password": password})
    assert int(client.session["_auth_user_id"]) == user.pk


def test_link_works_once(client, user, asked):
    client.post(asked)
    again = client.post(asked)
    assert again.status_code == 410
    assert again.templates[0].name == "links/closed.html"
    assert client.get(asked).status_code == 410


def test_expired_link_changes_nothing(client, user, asked):
    old = user.email
    with time_machine.travel(timezone.now() + timezone.timedelta(days=3)):
        for response in (client.get(asked), client.post(asked)):
            assert response.status_code == 410
            assert response.templates[0].name == "links/closed.html"
    user.refresh_from_db()
    assert user.email == old


def test_unknown_link_gets_the_closed_page(client, user):
    for response in (
        client.get("/me/email/confirm/not-a-key/"),
        client.post("/me/email/confirm/not-a-key/"),
    ):
        assert response.status_code == 404
        assert response.templates[0].name == "links/closed.html"


def test_newer_request_closes_the_older_link(
    client, user, password, asked, mailoutbox, django_capture_on_commit_callbacks
):
    _ask(
        client, password, new="plus.recente@example.org", capture=django_capture_on_commit_callbacks
    )
    assert client.post(asked).status_code == 410
    client.post(_link_path(mailoutbox[-1]))
    user.refresh_from_db()
    assert user.email == "plus.recente@example.org"


def test_link_to_an_address_of_another_login_says_it_cannot_be_used(
    client, user, password, mailoutbox, django_capture_on_commit_callbacks
):
    other = UserFactory(
        username="detenteur.x", email="pris@example.org", first_name="Zoé", last_name="Zorn"
    )
    old = user.email
    client.force_login(user)
    _ask(client, password, new="pris@example.org", capture=django_capture_on_commit_callbacks)
    link = _link_path(mailoutbox[0])
    for response in (client.get(link), client.post(link)):
        assert response.status_code == 410
        assert "ne peut pas être utilisée" in _text(response)
        assert not {"detenteur.x", "Zoé", "Zorn"} & set(re.findall(r"[\w.]+", _text(response)))
    user.refresh_from_db()
    other.refresh_from_db()
    assert user.email == old and other.email == "pris@example.org"


def test_link_to_an_address_taken_after_the_request_changes_nothing(client, user, asked):
    old = user.email
    UserFactory(username="plus.rapide", email=NEW.upper())
    response = client.post(asked)
    assert response.status_code == 410
    user.refresh_from_db()
    assert user.email == old


def test_link_of_a_deactivated_person_changes_nothing(client, user, asked):
    old = user.email
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert client.post(asked).status_code == 410
    user.refresh_from_db()
    assert user.email == old


# --- Own details ----------------------------------------------------------------------------

EDIT = "accounts:profile-edit"


def _details(**changes):
    data = {
        "civility": "",
        "first_name": "Jeanne",
        "last_name": "Martin",
        "language": "fr",
        "function": "",
        "phone": "",
        "address": "",
        "postcode": "",
        "city": "",
        "country": "BE",
    }
    return {**data, **changes}


def test_profile_edit_anonymous_goes_to_sign_in(client):
    for response in (client.get(reverse(EDIT)), client.post(reverse(EDIT), _details())):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


def test_profile_edit_shows_own_details_without_the_email(client, user):
    client.force_login(user)
    response = client.get(reverse(EDIT))
    assert response.status_code == 200
    page = _text(response)
    assert user.first_name in page
    assert 'name="email"' not in page
    assert 'name="username"' not in page


def test_profile_edit_saves_own_details_and_audits(client, user):
    client.force_login(user)
    response = client.post(
        reverse(EDIT),
        _details(phone="+32 2 555 01 01", function="Logistique", email="ignored@example.org"),
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.first_name, user.last_name, user.phone, user.function) == (
        "Jeanne",
        "Martin",
        "+32 2 555 01 01",
        "Logistique",
    )
    assert user.email != "ignored@example.org"
    event = AuditEvent.objects.get(kind="user.changed", actor=user)
    assert event.after["phone"] == "+32 2 555 01 01" and "email" not in event.after


def test_profile_edit_changes_only_the_signed_in_person(client, user, admin):
    client.force_login(user)
    client.post(reverse(EDIT), _details(first_name="Changé"))
    admin.refresh_from_db()
    assert admin.first_name != "Changé"


def test_profile_edit_refuses_an_invalid_form(client, user):
    client.force_login(user)
    response = client.post(reverse(EDIT), _details(first_name="", country="Belgique"))
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"first_name", "country"}
