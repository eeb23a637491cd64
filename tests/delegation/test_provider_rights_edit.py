"""The mandant changes an active provider's rights (narrow, extend, remove) with the editor of
the offer, under their own ceiling, without withdrawing and offering again."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent, AuditKind, Grant, GrantStatus
from accounts.permissions import Scope, held_rights
from accounts.selectors import right_check
from delegation import services
from delegation.models import ProviderAccessStatus
from notifications.models import Message
from tests.delegation import test_provider_access as base

pytestmark = pytest.mark.django_db

swiss = base.swiss
logiserv = base.logiserv
offered = base.offered
accepted = base.accepted

APP = base.APP
_perm = base._perm
_text = base._text


def _post(client, swiss, access, capture, **rights):
    client.force_login(swiss["admin"])
    data = base._offer_data(swiss, access.email, **rights)
    with capture(execute=True):
        return client.post(reverse("delegation:provider-rights", args=[access.pk]), data)


def _holds(person, permission, account) -> bool:
    return bool(right_check(user=person, application=APP, permission=permission, account=account))


# --- Access to the page ------------------------------------------------------------------------


def test_rights_page_anonymous_non_admin_other_company_and_admin(
    client, accepted, user, other_company_admin, swiss
):
    url = reverse("delegation:provider-rights", args=[accepted.pk])
    response = client.get(url)
    assert response.status_code == 302 and reverse("account_login") in response["Location"]
    client.force_login(user)
    assert client.get(url).status_code == 403
    assert client.post(url, base._offer_data(swiss, accepted.email)).status_code == 403
    client.force_login(other_company_admin)
    assert client.get(url).status_code == 404
    assert client.post(url, base._offer_data(swiss, accepted.email)).status_code == 404
    client.force_login(swiss["admin"])
    assert client.get(url).status_code == 200
    assert not AuditEvent.objects.filter(kind=AuditKind.PROVIDER_RIGHTS_CHANGED).exists()


def test_a_pending_offer_has_no_rights_page(client, offered, swiss):
    client.force_login(swiss["admin"])
    url = reverse("delegation:provider-rights", args=[offered["access"].pk])
    assert client.get(url).status_code == 404
    listing = _text(client.get(reverse("delegation:provider-list")))
    assert url not in listing


def test_rights_page_shows_what_the_provider_holds_ticked(client, accepted, swiss):
    client.force_login(swiss["admin"])
    listing = _text(client.get(reverse("delegation:provider-list")))
    url = reverse("delegation:provider-rights", args=[accepted.pk])
    assert url in listing
    page = _text(client.get(url))
    orders, invoices = _perm("contract-orders"), _perm("consult-invoices")
    assert re.search(rf'id="{APP}-perm-{orders.pk}"[^>]* checked', page)
    assert not re.search(rf'id="{APP}-perm-{invoices.pk}"[^>]* checked', page)
    assert re.search(rf'id="{APP}-accounts-{swiss["a1"].pk}"[^>]* checked', page)
    assert not re.search(rf'id="{APP}-accounts-{swiss["a2"].pk}"[^>]* checked', page)


# --- Changing ------------------------------------------------------------------------------------


def test_extend_gives_the_new_account_and_tells_the_provider(
    client, accepted, swiss, logiserv, mailoutbox, django_capture_on_commit_callbacks
):
    mailoutbox.clear()
    response = _post(
        client, swiss, accepted, django_capture_on_commit_callbacks, orders=("a1", "a2")
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("delegation:provider-list")
    assert held_rights(membership=accepted.membership) == {
        _perm("contract-orders").pk: Scope.of(accounts=[swiss["a1"].pk, swiss["a2"].pk])
    }
    assert _holds(logiserv, "contract-orders", "40001235")
    assert [m.to for m in mailoutbox] == [[logiserv.email]]
    assert swiss["company"].name in mailoutbox[0].subject
    assert "40001235" in mailoutbox[0].body
    assert Message.objects.filter(user_id=logiserv.pk, kind="provider.rights_changed").exists()
    event = AuditEvent.objects.get(kind=AuditKind.PROVIDER_RIGHTS_CHANGED)
    assert event.actor == swiss["admin"]
    assert event.after["rights"] == {
        str(_perm("contract-orders").pk): {"accounts": [swiss["a1"].pk, swiss["a2"].pk]}
    }
    accepted.refresh_from_db()
    assert accepted.status == ProviderAccessStatus.ACTIVE
    # The provider's own page shows the rights as they now are.
    client.force_login(logiserv)
    assert "40001235" in _text(client.get(reverse("delegation:provider-list-mine")))


def test_narrow_and_remove_take_effect_at_once(
    client, accepted, swiss, logiserv, django_capture_on_commit_callbacks
):
    services.provider_access_rights_change(
        access=accepted,
        rights={
            _perm("contract-orders"): Scope.of(accounts=[swiss["a1"].pk]),
            _perm("consult-invoices"): Scope.of(accounts=[swiss["a1"].pk]),
        },
        actor=swiss["admin"],
    )
    assert _holds(logiserv, "consult-invoices", "40001234")
    # Keep « contract-orders » only, and on 40001235 only.
    _post(client, swiss, accepted, django_capture_on_commit_callbacks, orders=("a2",))
    assert held_rights(membership=accepted.membership) == {
        _perm("contract-orders").pk: Scope.of(accounts=[swiss["a2"].pk])
    }
    assert not _holds(logiserv, "consult-invoices", "40001234")
    assert not _holds(logiserv, "contract-orders", "40001234")
    assert _holds(logiserv, "contract-orders", "40001235")


def test_beyond_the_ceiling_saves_nothing(
    client, accepted, swiss, logiserv, mailoutbox, django_capture_on_commit_callbacks
):
    mailoutbox.clear()
    before = held_rights(membership=accepted.membership)
    # « consult-invoices » on 40001235: the admin holds it on 40001234 only.
    response = _post(
        client, swiss, accepted, django_capture_on_commit_callbacks, orders=(), invoices=("a2",)
    )
    assert response.status_code == 200
    page = _text(response)
    assert "Rien n'a été enregistré" in page and "40001235" in page
    assert held_rights(membership=accepted.membership) == before
    assert mailoutbox == []
    assert not AuditEvent.objects.filter(kind=AuditKind.PROVIDER_RIGHTS_CHANGED).exists()


def test_removing_every_right_is_refused(
    client, accepted, swiss, logiserv, django_capture_on_commit_callbacks
):
    response = _post(client, swiss, accepted, django_capture_on_commit_callbacks, orders=())
    assert response.status_code == 200
    assert "retirez son accès" in _text(response)
    assert _holds(logiserv, "contract-orders", "40001234")


def test_saving_the_same_rights_changes_nothing(
    client, accepted, swiss, mailoutbox, django_capture_on_commit_callbacks
):
    mailoutbox.clear()
    response = _post(client, swiss, accepted, django_capture_on_commit_callbacks, orders=("a1",))
    assert response.status_code == 302
    assert mailoutbox == []
    assert not AuditEvent.objects.filter(kind=AuditKind.PROVIDER_RIGHTS_CHANGED).exists()


def test_added_rights_keep_the_access_end_date(
    client, accepted, swiss, logiserv, django_capture_on_commit_callbacks
):
    ends_at = timezone.now() + timedelta(days=30)
    services.provider_access_end_change(access=accepted, ends_at=ends_at, actor=swiss["admin"])
    _post(
        client,
        swiss,
        accepted,
        django_capture_on_commit_callbacks,
        orders=("a1",),
        invoices=("a1",),
    )
    grants = Grant.objects.filter(membership=accepted.membership, status=GrantStatus.ACTIVE)
    assert grants.count() == 2
    assert {g.ends_at for g in grants} == {ends_at}


def test_a_withdrawn_access_cannot_be_changed(accepted, swiss):
    services.provider_access_withdraw(access=accepted, actor=swiss["admin"])
    with pytest.raises(Exception, match="pas actif"):
        services.provider_access_rights_change(
            access=accepted,
            rights={_perm("contract-orders"): Scope.of(accounts=[swiss["a1"].pk])},
            actor=swiss["admin"],
        )
    assert held_rights(membership=accepted.membership) == {}
