import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from approvals.models import (
    AccessRequest,
    AuthorizedDomain,
    AuthorizedSender,
    DecisionLink,
    Origin,
    RequestStatus,
    SenderStatus,
    Status,
    UsageRecord,
)
from approvals.services.checks import UnknownAccount, sender_check

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


def _setup(protected, *, active=True, starts=None, ends=None, sender=None, domain=None):
    protected.is_active, protected.starts_on, protected.ends_on = active, starts, ends
    protected.save()
    if sender:
        AuthorizedSender.objects.create(
            protected_account=protected,
            email="jo@client.example",
            status=sender,
            origin=Origin.MANUAL,
        )
    if domain:
        AuthorizedDomain.objects.create(
            protected_account=protected, domain="client.example", status=domain
        )


@pytest.mark.parametrize(
    ("setup", "expected"),
    [
        ({"active": False}, "allowed"),
        ({"starts": TODAY + datetime.timedelta(days=1)}, "allowed"),
        ({"ends": TODAY - datetime.timedelta(days=1)}, "allowed"),
        ({"sender": SenderStatus.APPROVED}, "allowed"),
        ({"domain": Status.ACTIVE}, "allowed"),
        ({"domain": Status.INACTIVE}, "pending"),
        ({"sender": SenderStatus.REJECTED}, "denied"),
        ({"sender": SenderStatus.REJECTED, "domain": Status.ACTIVE}, "allowed"),
        ({"sender": SenderStatus.PENDING}, "pending"),
        ({}, "pending"),
        ({"starts": TODAY, "ends": TODAY}, "pending"),
    ],
)
def test_rules(protected, setup, expected, django_capture_on_commit_callbacks):
    _setup(protected, **setup)
    with django_capture_on_commit_callbacks(execute=True):
        result = sender_check(account_number="950000033", email="jo@client.example")
    assert result.decision == expected
    assert (result.request_id is not None) is (expected == "pending")


def test_unknown_account_is_an_error(protected):
    with pytest.raises(UnknownAccount):
        sender_check(account_number="000", email="jo@client.example")


def test_first_check_opens_one_request_and_emails_admins_and_requester(
    protected, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = sender_check(account_number="950000033", email="jo@client.example", name="Jo")
    recipients = sorted(m.to[0] for m in mailoutbox)
    assert recipients == sorted(["anne@example.com", "bert@example.com", "jo@client.example"])
    admin_mail = next(m for m in mailoutbox if m.to == ["anne@example.com"])
    assert "/esecure/decision/" in admin_mail.body
    requester_mail = next(m for m in mailoutbox if m.to == ["jo@client.example"])
    assert "anne@example.com" not in requester_mail.body  # no consent: no contacts
    assert DecisionLink.objects.filter(request_id=first.request_id).count() == 4
    with django_capture_on_commit_callbacks(execute=True):
        again = sender_check(account_number="950000033", email="JO@client.example".lower())
    assert again.request_id == first.request_id
    assert len(mailoutbox) == 3  # repeated checks while pending send nothing more
    assert AuthorizedSender.objects.get(email="jo@client.example").origin == Origin.REQUEST


def test_requester_sees_admin_contacts_only_with_consent(
    protected, mailoutbox, django_capture_on_commit_callbacks
):
    protected.show_admin_contacts = True
    protected.save()
    with django_capture_on_commit_callbacks(execute=True):
        sender_check(account_number="950000033", email="jo@client.example")
    requester_mail = next(m for m in mailoutbox if m.to == ["jo@client.example"])
    assert "anne@example.com" in requester_mail.body and "+32 2 000 00 00" in requester_mail.body


def test_allowed_and_denied_answers_cost_one_query(protected):
    _setup(protected, sender=SenderStatus.REJECTED)
    sender_check(account_number="950000033", email="jo@client.example")  # records today's usage
    with CaptureQueriesContext(connection) as queries:
        assert (
            sender_check(account_number="950000033", email="jo@client.example").decision == "denied"
        )
    assert len(queries) == 1


def test_usage_is_recorded_once_a_day(protected):
    _setup(protected, active=False)
    for _ in range(3):
        sender_check(account_number="950000033", email="jo@client.example")
    assert UsageRecord.objects.filter(email="jo@client.example").count() == 1


def test_an_expired_request_lets_the_sender_ask_again(
    protected, django_capture_on_commit_callbacks
):
    from django.utils import timezone

    from approvals.jobs import requests_expire

    first = sender_check(account_number="950000033", email="jo@client.example")
    AccessRequest.objects.filter(pk=first.request_id).update(expires_at=timezone.now())
    assert requests_expire() == 1
    assert AccessRequest.objects.get(pk=first.request_id).status == RequestStatus.EXPIRED
    second = sender_check(account_number="950000033", email="jo@client.example")
    assert second.decision == "pending" and second.request_id != first.request_id


def test_a_new_request_appears_in_each_admins_portal_inbox(
    protected, django_capture_on_commit_callbacks
):
    from notifications.models import Message

    with django_capture_on_commit_callbacks(execute=True):
        sender_check(account_number="950000033", email="jo@client.example")
        sender_check(account_number="950000033", email="jo@client.example")
    messages = Message.objects.filter(kind="esecure.request")
    users = User.objects.filter(pk__in=[m.user_id for m in messages])
    assert sorted(u.username for u in users) == ["anne", "bert"]
    assert {m.company_name for m in messages} == {protected.account.company.name}
    assert "jo@client.example" in messages[0].body
    assert messages[0].action_url.startswith("/esecure/")


def test_the_requester_gets_pending_before_anything_is_sent(
    protected, mailoutbox, django_capture_on_commit_callbacks
):
    from notifications.models import Message, OutboundEmail

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        result = sender_check(account_number="950000033", email="jo@client.example")
    assert result.decision == "pending"
    assert AccessRequest.objects.get(pk=result.request_id).notified_at is None
    assert AuthorizedSender.objects.get(email="jo@client.example").status == SenderStatus.PENDING
    assert DecisionLink.objects.count() == OutboundEmail.objects.count() == 0
    assert Message.objects.count() == 0 and mailoutbox == []
    assert len(callbacks) == 1  # the notification task, queued after the commit
    with django_capture_on_commit_callbacks(execute=True):
        callbacks[0]()
    assert len(mailoutbox) == 3 and DecisionLink.objects.count() == 4
    assert AccessRequest.objects.get(pk=result.request_id).notified_at is not None


def test_notifying_a_request_again_sends_nothing_more(
    protected, mailoutbox, django_capture_on_commit_callbacks
):
    from approvals.jobs import request_notify
    from notifications.models import Message

    with django_capture_on_commit_callbacks(execute=True):
        result = sender_check(account_number="950000033", email="jo@client.example")
    assert len(mailoutbox) == 3
    with django_capture_on_commit_callbacks(execute=True):
        assert request_notify(request_id=result.request_id) is False
    assert len(mailoutbox) == 3
    assert DecisionLink.objects.count() == 4 and Message.objects.count() == 2


def test_a_failed_notification_keeps_nothing_and_the_next_run_sends_once(
    protected, mailoutbox, django_capture_on_commit_callbacks, monkeypatch
):
    from approvals import jobs

    with django_capture_on_commit_callbacks(execute=False):
        result = sender_check(account_number="950000033", email="jo@client.example")

    def broken(**kwargs):
        raise RuntimeError("template missing")

    monkeypatch.setattr(jobs.emails, "send_esecure_request_received", broken)
    with pytest.raises(RuntimeError), django_capture_on_commit_callbacks(execute=True):
        jobs.request_notify(request_id=result.request_id)
    assert DecisionLink.objects.count() == 0 and mailoutbox == []
    assert AccessRequest.objects.get(pk=result.request_id).notified_at is None
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.request_notify(request_id=result.request_id) is True
    assert len(mailoutbox) == 3 and DecisionLink.objects.count() == 4


def test_a_request_whose_task_was_lost_is_notified_by_the_catch_up(
    protected, mailoutbox, django_capture_on_commit_callbacks
):
    from django.utils import timezone

    from approvals.tasks import requests_notify_stale

    with django_capture_on_commit_callbacks(execute=False):  # the task never reaches a worker
        result = sender_check(account_number="950000033", email="jo@client.example")
    with django_capture_on_commit_callbacks(execute=True):
        assert requests_notify_stale() == 0  # too recent: its task may still be on its way
    AccessRequest.objects.filter(pk=result.request_id).update(
        created_at=timezone.now() - datetime.timedelta(minutes=5)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert requests_notify_stale() == 1
    assert len(mailoutbox) == 3
    with django_capture_on_commit_callbacks(execute=True):
        assert requests_notify_stale() == 0
    assert len(mailoutbox) == 3


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL's commit setting")
def test_the_usage_commit_does_not_wait_for_the_disk_and_leaves_the_session_as_it_was(protected):
    """Out of a transaction the check's statement records the usage with an asynchronous
    commit (its own transaction only): later writes of the connection still wait for the disk."""
    _setup(protected, active=False)
    assert sender_check(account_number="950000033", email="jo@client.example").decision == (
        "allowed"
    )
    assert UsageRecord.objects.filter(email="jo@client.example").count() == 1
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone()[0] == "on"
