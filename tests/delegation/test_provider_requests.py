"""A provider asks a company for provider access from their own page (issue 8, point 1): the
company's administrators get it in their inbox and by e-mail and answer it by offering access
or declining; the requester learns nothing about the company in the meantime."""

import re

import pytest
from django.db import transaction
from django.urls import reverse

from accounts.models import AuditEvent, AuditKind, MembershipKind
from accounts.permissions import Scope, held_rights
from accounts.selectors import right_check
from delegation.models import ProviderAccess, ProviderAccessRequest, ProviderRequestStatus
from notifications.models import Message, OutboundEmail
from tests.delegation import test_provider_access as base
from tests.factories import CustomerAccountFactory

pytestmark = pytest.mark.django_db

swiss = base.swiss
logiserv = base.logiserv

APP = base.APP
_perm = base._perm
_text = base._text
ASK = "delegation:provider-ask"


def _ask(client, person, number, capture, message="Je prépare vos envois du lundi."):
    client.force_login(person)
    with capture(execute=True):
        return client.post(reverse(ASK), {"account_number": number, "message": message})


@pytest.fixture
def asked(client, swiss, logiserv, django_capture_on_commit_callbacks):
    response = _ask(client, logiserv, " 40001234 ", django_capture_on_commit_callbacks)
    assert response.status_code == 302
    client.logout()
    return ProviderAccessRequest.objects.get()


# --- Asking ------------------------------------------------------------------------------------


def test_ask_needs_sign_in(client, swiss):
    response = client.post(reverse(ASK), {"account_number": "40001234"})
    assert response.status_code == 302 and reverse("account_login") in response["Location"]
    assert client.get(reverse(ASK)).status_code in (302, 405)
    assert not ProviderAccessRequest.objects.exists()


def test_the_provider_page_offers_to_ask(client, logiserv):
    client.force_login(logiserv)
    page = _text(client.get(reverse("delegation:provider-list-mine")))
    assert reverse(ASK) in page and "Numéro de compte client" in page


def test_ask_reaches_the_companys_admins_by_inbox_and_email(
    client, swiss, logiserv, mailoutbox, django_capture_on_commit_callbacks
):
    response = _ask(client, logiserv, "40001234", django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert response["Location"] == reverse("delegation:provider-list-mine")
    access_request = ProviderAccessRequest.objects.get()
    assert access_request.company == swiss["company"]
    assert access_request.requester == logiserv and access_request.email == logiserv.email
    assert access_request.status == ProviderRequestStatus.PENDING
    assert [m.to for m in mailoutbox] == [[swiss["admin"].email]]
    assert logiserv.email in mailoutbox[0].subject
    assert "Je prépare vos envois du lundi." in mailoutbox[0].body
    assert "Autre Société SA" in mailoutbox[0].body  # the requester's own company
    inbox = Message.objects.get(user_id=swiss["admin"].pk, kind="provider.requested")
    assert inbox.company_id == swiss["company"].pk and logiserv.email in inbox.body
    event = AuditEvent.objects.get(kind=AuditKind.PROVIDER_REQUESTED)
    assert event.actor == logiserv and event.company == swiss["company"]


def _ask_outcome(client, number) -> tuple[str, int]:
    """The page the requester sees after asking, then rolled back; and what was stored."""
    with transaction.atomic():
        response = client.post(
            reverse(ASK), {"account_number": number, "message": "Bonjour"}, follow=True
        )
        stored = ProviderAccessRequest.objects.count()
        page = response.content.decode().replace(number, "NUMBER")
        page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "CSRF", page)
        page = re.sub(r'"X-CSRFToken": "[^"]+"', "CSRF", page)
        transaction.set_rollback(True)
    return page, stored


def test_ask_says_the_same_whether_the_number_exists_or_not(client, swiss, logiserv, company):
    inactive = CustomerAccountFactory(company=company, number="40009999", is_active=False)
    client.force_login(logiserv)
    existing = _ask_outcome(client, "40001234")
    unknown = _ask_outcome(client, "49999999")
    closed = _ask_outcome(client, inactive.number)
    assert existing[0] == unknown[0] == closed[0]
    assert "Votre demande a été envoyée" in existing[0]
    assert swiss["company"].name not in existing[0]
    assert (existing[1], unknown[1], closed[1]) == (1, 0, 0)


def test_a_second_request_says_the_same_and_stores_nothing_more(
    client, asked, logiserv, mailoutbox, django_capture_on_commit_callbacks
):
    mailoutbox.clear()
    response = _ask(client, logiserv, "40001235", django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert "Votre demande a été envoyée" in _text(client.get(response["Location"]))
    assert ProviderAccessRequest.objects.count() == 1
    assert mailoutbox == []


def test_asking_ones_own_company_stores_nothing(
    client, swiss, user, mailoutbox, django_capture_on_commit_callbacks
):
    response = _ask(client, user, "40001234", django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert not ProviderAccessRequest.objects.exists()
    assert mailoutbox == []


def test_requests_are_rate_limited_per_person(
    client, swiss, logiserv, settings, django_capture_on_commit_callbacks
):
    settings.PROVIDER_REQUESTS_PER_HOUR = 2
    for number in ("41111111", "42222222"):  # unknown numbers count too
        _ask(client, logiserv, number, django_capture_on_commit_callbacks)
    response = _ask(client, logiserv, "40001234", django_capture_on_commit_callbacks)
    assert response.status_code == 200
    assert "Réessayez dans une heure" in _text(response)
    assert not ProviderAccessRequest.objects.exists()


def test_an_empty_number_is_refused_by_the_form(
    client, logiserv, django_capture_on_commit_callbacks
):
    response = _ask(client, logiserv, "", django_capture_on_commit_callbacks)
    assert response.status_code == 200
    assert not ProviderAccessRequest.objects.exists()


# --- The company's answer ------------------------------------------------------------------------


def test_admins_see_the_request_in_the_providers_list(
    client, asked, swiss, logiserv, user, other_company_admin
):
    url = reverse("delegation:provider-list")
    client.force_login(swiss["admin"])
    page = _text(client.get(url))
    assert "Demandes d'accès reçues" in page
    assert logiserv.email in page and "Autre Société SA" in page
    assert "Je prépare vos envois du lundi." in page
    assert f"{reverse('delegation:provider-add')}?request={asked.pk}" in page
    client.force_login(other_company_admin)
    assert logiserv.email not in _text(client.get(url))


def test_decline_anonymous_non_admin_other_company(client, asked, swiss, user, other_company_admin):
    url = reverse("delegation:provider-request-decline", args=[asked.pk])
    response = client.post(url)
    assert response.status_code == 302 and reverse("account_login") in response["Location"]
    client.force_login(user)
    assert client.post(url).status_code == 403
    client.force_login(other_company_admin)
    for method in (client.post, client.get, client.head):
        assert method(url).status_code == 404
    client.force_login(swiss["admin"])
    assert client.get(url).status_code == client.head(url).status_code == 405
    asked.refresh_from_db()
    assert asked.status == ProviderRequestStatus.PENDING


def test_decline_tells_the_requester(
    client, asked, swiss, logiserv, mailoutbox, django_capture_on_commit_callbacks
):
    mailoutbox.clear()
    client.force_login(swiss["admin"])
    url = reverse("delegation:provider-request-decline", args=[asked.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302
    asked.refresh_from_db()
    assert asked.status == ProviderRequestStatus.DECLINED
    assert asked.decided_by == swiss["admin"]
    assert [m.to for m in mailoutbox] == [[logiserv.email]]
    assert swiss["company"].name in mailoutbox[0].subject
    assert Message.objects.filter(user_id=logiserv.pk, kind="provider.request_declined").exists()
    assert AuditEvent.objects.filter(kind=AuditKind.PROVIDER_REQUEST_DECLINED).count() == 1
    # Declined once: a second POST finds nothing, and the list no longer shows it.
    assert client.post(url).status_code == 404
    assert "Demandes d'accès reçues" not in _text(client.get(reverse("delegation:provider-list")))


def test_granting_answers_with_the_offer_prefilled(
    client, asked, swiss, logiserv, mailoutbox, django_capture_on_commit_callbacks
):
    mailoutbox.clear()
    client.force_login(swiss["admin"])
    url = f"{reverse('delegation:provider-add')}?request={asked.pk}"
    page = _text(client.get(url))
    assert f'value="{logiserv.email}"' in page
    assert "En réponse à la demande" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, base._offer_data(swiss, logiserv.email))
    assert response.status_code == 302
    access = ProviderAccess.objects.get()
    asked.refresh_from_db()
    assert asked.status == ProviderRequestStatus.GRANTED and asked.access == access
    assert [m.to for m in mailoutbox] == [[logiserv.email]]  # the usual offer e-mail
    # The requester accepts as for any offer; the engine agrees.
    base._accept(client, logiserv, base._key(mailoutbox), django_capture_on_commit_callbacks)
    access.refresh_from_db()
    assert access.membership.kind == MembershipKind.PROVIDER
    assert held_rights(membership=access.membership) == {
        _perm("contract-orders").pk: Scope.of(accounts=[swiss["a1"].pk])
    }
    assert right_check(
        user=logiserv, application=APP, permission="contract-orders", account="40001234"
    )
    client.force_login(swiss["admin"])
    assert "Demandes d'accès reçues" not in _text(client.get(reverse("delegation:provider-list")))


def test_the_offer_page_refuses_another_companys_or_an_answered_request(
    client, asked, swiss, other_company_admin, django_capture_on_commit_callbacks
):
    url = f"{reverse('delegation:provider-add')}?request={asked.pk}"
    client.force_login(other_company_admin)
    assert client.get(url).status_code in (403, 404)
    client.force_login(swiss["admin"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("delegation:provider-request-decline", args=[asked.pk]))
    assert client.get(url).status_code == 404
    assert client.get(f"{reverse('delegation:provider-add')}?request=abc").status_code == 404
    assert OutboundEmail.objects.filter(kind="provider_access_offered").count() == 0
