"""The admins' inbox messages about an eSecure request: worded in the language the reader
views the portal in, and closed for every admin once the request is decided or expires."""

import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from approvals.jobs import requests_expire
from approvals.models import AccessRequest, AuthorizedSender
from approvals.services import senders_decide
from approvals.services.checks import sender_check
from approvals.services.support import requests_expire_now
from notifications.models import Message
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def requested(protected, mailoutbox, django_capture_on_commit_callbacks):
    """Anne reads e-mails in Dutch; a sender then asks to ship with the account."""
    User.objects.filter(username="anne").update(language="nl")
    with django_capture_on_commit_callbacks(execute=True):
        sender_check(account_number="950000033", email="jo@client.example", name="Jo")
    return AccessRequest.objects.get()


def _page(client, url, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_message_for_a_dutch_admin_reads_in_english_on_an_english_portal(client, requested):
    anne = User.objects.get(username="anne")
    message = Message.objects.get(user_id=anne.pk)
    client.force_login(anne)
    english = "Request to ship with account 950000033"
    assert english in _page(client, reverse("notifications:inbox"), "en")
    assert english in _page(client, reverse("portal:home"), "en")
    detail = _page(client, reverse("notifications:message-detail", args=[message.pk]), "en")
    assert english in detail and "jo@client.example" in detail
    assert "Aanvraag" not in detail and "Demande" not in detail  # neither Dutch nor French
    french = _page(client, reverse("notifications:inbox"), "fr")
    assert "Demande d&#x27;expédition sur le compte 950000033" in french


def test_message_stored_before_kinds_had_parameters_keeps_its_text(client, admin, company):
    old = Message.objects.create(
        user_id=admin.pk,
        kind="esecure.request",
        stored_subject="Verzendaanvraag voor account 1",
        stored_body="Oude tekst.",
    )
    client.force_login(admin)
    page = _page(client, reverse("notifications:message-detail", args=[old.pk]), "en")
    assert "Verzendaanvraag voor account 1" in page and "Oude tekst." in page


def _states(request) -> set[tuple[bool, bool]]:
    """(settled, read) of every admin's message about the request."""
    messages = Message.objects.filter(topic=f"esecure.request:{request.pk}")
    assert messages.count() == 2
    return {(m.settled_at is not None, m.read_at is not None) for m in messages}


def test_messages_stay_new_while_the_request_waits(requested):
    assert _states(requested) == {(False, False)}


def test_deciding_in_the_portal_closes_every_admins_message(requested):
    bert = User.objects.get(username="bert")
    senders_decide(
        senders=[AuthorizedSender.objects.get(email="jo@client.example")],
        approve=True,
        actor=bert,
    )
    assert _states(requested) == {(True, True)}


def test_deciding_by_link_closes_every_admins_message(client, requested, mailoutbox):
    anne_mail = next(m for m in mailoutbox if m.to == [User.objects.get(username="anne").email])
    path = re.search(r"https?://[^/\s]+(/esecure/decision/\S+/)", anne_mail.body)[1]
    client.post(path)
    assert AccessRequest.objects.get().status in ("approved", "rejected")
    assert _states(requested) == {(True, True)}


def test_expiry_closes_every_admins_message(requested):
    AccessRequest.objects.filter(pk=requested.pk).update(expires_at=timezone.now())
    assert requests_expire() == 1
    assert _states(requested) == {(True, True)}


def test_support_expiring_a_request_closes_every_admins_message(requested):
    requests_expire_now(requests=[requested], actor=UserFactory(is_staff=True))
    assert _states(requested) == {(True, True)}


def test_a_closed_message_says_so_in_the_list(client, requested):
    requests_expire_now(requests=[requested], actor=UserFactory(is_staff=True))
    client.force_login(User.objects.get(username="bert"))
    page = _page(client, reverse("notifications:inbox"), "fr")
    assert "Traité" in page and "Nouveau" not in page
    assert 'class="inbox-item unread"' not in page
