"""End dates of provider access (issue 8, point 5): the mandant sets or extends it from the
providers list, both sides are reminded 14 days before, and on the date the access ends."""

from datetime import date, datetime, time, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent, AuditKind, Grant, GrantStatus, Membership, MembershipStatus
from accounts.permissions import held_rights
from accounts.selectors import membership_list_for_user, right_check
from delegation import services
from delegation.models import ProviderAccessStatus
from delegation.tasks import provider_accesses_end_due, provider_accesses_remind
from notifications.models import Message
from tests.delegation import test_provider_access as base

pytestmark = pytest.mark.django_db

# The fixtures of the provider access tests: the mandant, the provider, an accepted access.
swiss = base.swiss
logiserv = base.logiserv
offered = base.offered
accepted = base.accepted

APP = base.APP


def _day(days: int) -> date:
    return timezone.localdate() + timedelta(days=days)


def _start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _set_end(client, swiss, access, day: date | None, capture):
    client.force_login(swiss["admin"])
    with capture(execute=True):
        return client.post(
            reverse("delegation:provider-end", args=[access.pk]),
            {f"end-{access.pk}-ends_on": day.isoformat() if day else ""},
        )


def _holds(person) -> bool:
    return bool(
        right_check(user=person, application=APP, permission="contract-orders", account="40001234")
    )


# --- Access to the page ------------------------------------------------------------------------


def test_end_change_anonymous_non_admin_other_company(
    client, accepted, swiss, user, other_company_admin
):
    url = reverse("delegation:provider-end", args=[accepted.pk])
    data = {f"end-{accepted.pk}-ends_on": _day(40).isoformat()}
    response = client.post(url, data)
    assert response.status_code == 302 and reverse("account_login") in response["Location"]
    client.force_login(user)
    assert client.post(url, data).status_code == 403
    client.force_login(other_company_admin)
    assert client.post(url, data).status_code == 404
    assert client.get(url).status_code == client.head(url).status_code == 404
    client.force_login(swiss["admin"])
    assert client.get(url).status_code == client.head(url).status_code == 405
    accepted.refresh_from_db()
    assert accepted.ends_at is None
    assert not AuditEvent.objects.filter(kind=AuditKind.PROVIDER_END_CHANGED).exists()


# --- Setting and extending ---------------------------------------------------------------------


def test_mandant_sets_an_end_date_that_the_grants_follow(
    client, accepted, swiss, logiserv, django_capture_on_commit_callbacks
):
    response = _set_end(client, swiss, accepted, _day(20), django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert response["Location"] == reverse("delegation:provider-list")
    accepted.refresh_from_db()
    assert accepted.ends_at == _start(_day(20))
    grants = Grant.objects.filter(membership=accepted.membership, status=GrantStatus.ACTIVE)
    assert {g.ends_at for g in grants} == {_start(_day(20))}
    event = AuditEvent.objects.get(kind=AuditKind.PROVIDER_END_CHANGED)
    assert event.actor == swiss["admin"] and event.before == {"ends_at": None}
    assert Message.objects.filter(user_id=logiserv.pk, kind="provider.end_changed").exists()
    listing = client.get(reverse("delegation:provider-list")).content.decode()
    assert _day(20).isoformat() in listing  # the date input shows the current end
    # The engine stops counting at the date, before any task runs.
    assert _holds(logiserv)
    with time_machine.travel(_start(_day(20)) + timedelta(minutes=1)):
        assert not _holds(logiserv)
        assert held_rights(membership=accepted.membership) == {}


def test_extending_keeps_the_rights_past_the_former_date(
    client, accepted, swiss, logiserv, django_capture_on_commit_callbacks
):
    _set_end(client, swiss, accepted, _day(10), django_capture_on_commit_callbacks)
    _set_end(client, swiss, accepted, _day(60), django_capture_on_commit_callbacks)
    with time_machine.travel(_start(_day(11))):
        assert _holds(logiserv)
        assert provider_accesses_end_due.delay().get() == 0
    accepted.refresh_from_db()
    assert accepted.status == ProviderAccessStatus.ACTIVE
    assert accepted.ends_at == _start(_day(60))
    assert AuditEvent.objects.filter(kind=AuditKind.PROVIDER_END_CHANGED).count() == 2


def test_removing_the_end_date_makes_the_access_endless(
    client, accepted, swiss, logiserv, django_capture_on_commit_callbacks
):
    _set_end(client, swiss, accepted, _day(10), django_capture_on_commit_callbacks)
    _set_end(client, swiss, accepted, None, django_capture_on_commit_callbacks)
    accepted.refresh_from_db()
    assert accepted.ends_at is None
    with time_machine.travel(_start(_day(400))):
        assert _holds(logiserv)


def test_an_end_date_in_the_past_is_refused(
    client, accepted, swiss, django_capture_on_commit_callbacks
):
    response = _set_end(client, swiss, accepted, _day(0), django_capture_on_commit_callbacks)
    assert response.status_code == 302
    page = client.get(reverse("delegation:provider-list")).content.decode()
    assert "date dans le futur" in page
    accepted.refresh_from_db()
    assert accepted.ends_at is None
    assert not AuditEvent.objects.filter(kind=AuditKind.PROVIDER_END_CHANGED).exists()


def test_an_ended_access_cannot_be_extended(
    client, accepted, swiss, django_capture_on_commit_callbacks
):
    services.provider_access_withdraw(access=accepted, actor=swiss["admin"])
    _set_end(client, swiss, accepted, _day(30), django_capture_on_commit_callbacks)
    accepted.refresh_from_db()
    assert accepted.ends_at is None
    assert not AuditEvent.objects.filter(kind=AuditKind.PROVIDER_END_CHANGED).exists()


def test_an_end_date_set_on_a_pending_offer_applies_once_accepted(
    client, offered, swiss, logiserv, django_capture_on_commit_callbacks
):
    _set_end(client, swiss, offered["access"], _day(30), django_capture_on_commit_callbacks)
    base._accept(client, logiserv, offered["key"], django_capture_on_commit_callbacks)
    membership = Membership.objects.get(user=logiserv, company=swiss["company"])
    assert {g.ends_at for g in Grant.objects.filter(membership=membership)} == {_start(_day(30))}


# --- Reminder ------------------------------------------------------------------------------------


def test_both_sides_are_reminded_once_14_days_before(
    client, accepted, swiss, logiserv, mailoutbox, django_capture_on_commit_callbacks
):
    _set_end(client, swiss, accepted, _day(30), django_capture_on_commit_callbacks)
    mailoutbox.clear()
    with time_machine.travel(_start(_day(15))):
        assert provider_accesses_remind.delay().get() == 0  # 15 days before: not yet
    with (
        time_machine.travel(_start(_day(17))),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert provider_accesses_remind.delay().get() == 1
        assert services.provider_accesses_remind() == 0  # a second run does nothing
    assert sorted(m.to[0] for m in mailoutbox) == sorted([logiserv.email, swiss["admin"].email])
    to_provider = next(m for m in mailoutbox if m.to == [logiserv.email])
    assert swiss["company"].name in to_provider.subject
    assert Message.objects.filter(user_id=logiserv.pk, kind="provider.ending").count() == 1
    assert Message.objects.filter(user_id=swiss["admin"].pk, kind="provider.ending").count() == 1
    accepted.refresh_from_db()
    assert accepted.end_reminded_at is not None


def test_a_new_end_date_is_reminded_again(
    client, accepted, swiss, mailoutbox, django_capture_on_commit_callbacks
):
    _set_end(client, swiss, accepted, _day(10), django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.provider_accesses_remind() == 1
    _set_end(client, swiss, accepted, _day(40), django_capture_on_commit_callbacks)
    assert services.provider_accesses_remind() == 0
    with time_machine.travel(_start(_day(30))):
        assert services.provider_accesses_remind() == 1


def test_accesses_without_end_date_are_never_reminded(accepted):
    with time_machine.travel(timezone.now() + timedelta(days=3650)):
        assert services.provider_accesses_remind() == 0
        assert services.provider_accesses_end_due() == 0


# --- The date itself -----------------------------------------------------------------------------


def test_on_the_end_date_the_access_ends_and_both_sides_are_told(
    client, accepted, swiss, logiserv, mailoutbox, django_capture_on_commit_callbacks
):
    _set_end(client, swiss, accepted, _day(5), django_capture_on_commit_callbacks)
    mailoutbox.clear()
    with time_machine.travel(_start(_day(5)) - timedelta(minutes=1)):
        assert provider_accesses_end_due.delay().get() == 0
        assert _holds(logiserv)
    with time_machine.travel(_start(_day(5)) + timedelta(minutes=1)):
        with django_capture_on_commit_callbacks(execute=True):
            assert provider_accesses_end_due.delay().get() == 1
            assert services.provider_accesses_end_due() == 0  # a second run does nothing
        assert not _holds(logiserv)
    accepted.refresh_from_db()
    assert accepted.status == ProviderAccessStatus.ENDED
    assert accepted.ended_at is not None
    membership = Membership.objects.get(user=logiserv, company=swiss["company"])
    assert membership.status == MembershipStatus.DEACTIVATED
    assert not Grant.objects.filter(membership=membership, status=GrantStatus.ACTIVE).exists()
    assert held_rights(membership=membership) == {}
    assert swiss["company"] not in [m.company for m in membership_list_for_user(user=logiserv)]
    assert sorted(m.to[0] for m in mailoutbox) == sorted([logiserv.email, swiss["admin"].email])
    assert Message.objects.filter(user_id=logiserv.pk, kind="provider.ended").exists()
    assert Message.objects.filter(user_id=swiss["admin"].pk, kind="provider.ended").exists()
    event = AuditEvent.objects.get(kind=AuditKind.PROVIDER_ENDED)
    assert event.actor is None and event.after["status"] == "ended"
    client.force_login(swiss["admin"])
    listing = client.get(reverse("delegation:provider-list")).content.decode()
    assert "Terminé" in listing
    assert reverse("delegation:provider-end", args=[accepted.pk]) not in listing


def test_an_offer_past_its_end_date_cannot_be_accepted(
    client, offered, swiss, logiserv, django_capture_on_commit_callbacks
):
    _set_end(client, swiss, offered["access"], _day(3), django_capture_on_commit_callbacks)
    with time_machine.travel(_start(_day(4))):
        base._accept(client, logiserv, offered["key"], django_capture_on_commit_callbacks)
    offered["access"].refresh_from_db()
    assert offered["access"].status == ProviderAccessStatus.PENDING
    assert not Membership.objects.filter(user=logiserv, company=swiss["company"]).exists()
