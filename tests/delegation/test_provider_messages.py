"""Provider access messages: worded when read, in the reader's language; an offer's message
and the admins' messages about a request are closed once answered, withdrawn or expired."""

import html
from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from common.elision import elide
from delegation import services
from delegation.models import ProviderAccess
from notifications.models import Message
from tests.delegation import test_provider_access as base
from tests.delegation import test_provider_requests as asking

pytestmark = pytest.mark.django_db

swiss, logiserv, offered, asked = base.swiss, base.logiserv, base.offered, asking.asked


def _offer_message(logiserv) -> Message:
    return Message.objects.get(user_id=logiserv.pk, kind="provider.offered")


def test_offer_message_for_a_german_provider_reads_in_french_on_a_french_portal(
    client, offered, logiserv, swiss
):
    message = _offer_message(logiserv)
    assert message.settled_at is None and message.read_at is None
    client.force_login(logiserv)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    page = client.get(reverse("notifications:message-detail", args=[message.pk])).content.decode()
    assert "Autorisation en tant que prestataire" in page
    # French elision: « administrateur d'Imprimerie… »
    with translation.override("fr"):
        expected = elide(f"administrateur de {swiss['company'].name}")
    assert expected in html.unescape(page)


def test_accepting_the_offer_closes_its_message(
    client, offered, logiserv, django_capture_on_commit_callbacks
):
    base._accept(client, logiserv, offered["key"], django_capture_on_commit_callbacks)
    assert ProviderAccess.objects.get().status == "active"
    message = _offer_message(logiserv)
    assert message.settled_at is not None and message.read_at is not None


def test_refusing_the_offer_closes_its_message(offered, logiserv):
    services.provider_access_refuse(access=offered["access"], user=logiserv)
    assert _offer_message(logiserv).settled_at is not None


def test_withdrawing_the_offer_closes_its_message(offered, logiserv, swiss):
    services.provider_access_withdraw(access=offered["access"], actor=swiss["admin"])
    assert _offer_message(logiserv).settled_at is not None


def test_an_expired_offer_closes_its_message(offered, logiserv):
    assert services.provider_accesses_expire(now=timezone.now() + timedelta(days=31)) == 1
    assert _offer_message(logiserv).settled_at is not None


def test_declining_a_request_closes_the_admins_message(asked, swiss):
    message = Message.objects.get(user_id=swiss["admin"].pk, kind="provider.requested")
    assert message.settled_at is None
    services.provider_request_decline(access_request=asked, actor=swiss["admin"])
    message.refresh_from_db()
    assert message.settled_at is not None and message.read_at is not None


def test_answering_a_request_with_an_offer_closes_the_admins_message(
    client, asked, swiss, logiserv, django_capture_on_commit_callbacks
):
    client.force_login(swiss["admin"])
    url = f"{reverse('delegation:provider-add')}?request={asked.pk}"
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, base._offer_data(swiss, logiserv.email)).status_code == 302
    message = Message.objects.get(user_id=swiss["admin"].pk, kind="provider.requested")
    assert message.settled_at is not None


def test_an_end_date_reads_as_the_reader_writes_dates(offered, logiserv, swiss):
    ends_at = timezone.now() + timedelta(days=40)
    message = Message.objects.create(
        user_id=logiserv.pk,
        kind="provider.end_changed",
        params={"company": "Helvetia", "ends_at": ends_at.isoformat()},
    )
    day = timezone.localtime(ends_at)
    with translation.override("fr"):
        assert f"{day:%d/%m/%Y}" in message.body
    with translation.override("en"):
        assert message.body.startswith("Helvetia") and "a fixé" not in message.body
        assert message.subject != "Date de fin de votre accès prestataire modifiée"
