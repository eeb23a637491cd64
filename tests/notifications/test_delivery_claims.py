"""What a worker killed mid-send leaves behind: the same e-mail, recognisable, sent again only
once its claim has gone stale (see notifications/delivery.py and `.ci/stack_check.py`)."""

import datetime
from unittest import mock

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.utils import timezone

from notifications import delivery, emails
from notifications.models import EmailStatus, OutboundEmail

pytestmark = pytest.mark.django_db


def _queued(user, django_capture_on_commit_callbacks) -> OutboundEmail:
    with django_capture_on_commit_callbacks(execute=False):
        return emails.send_password_changed(user=user, display_name=user.display_name)


def test_every_attempt_of_an_email_carries_the_same_message_id_naming_its_row(
    user, mailoutbox, django_capture_on_commit_callbacks
):
    email = _queued(user, django_capture_on_commit_callbacks)
    with (
        mock.patch.object(mail.EmailMultiAlternatives, "send", side_effect=ConnectionError),
        pytest.raises(ConnectionError),
    ):
        delivery.email_deliver(email_id=email.pk)
    # A worker killed after the SMTP server accepted it: the row is left "sending".
    assert delivery.email_deliver(email_id=email.pk) is True
    OutboundEmail.objects.filter(pk=email.pk).update(status=EmailStatus.SENDING)
    OutboundEmail.objects.filter(pk=email.pk).update(status=EmailStatus.FAILED)
    assert delivery.email_deliver(email_id=email.pk) is True
    first, second = (m.extra_headers["Message-ID"] for m in mailoutbox)
    assert first == second
    assert first.startswith(f"<outbox.{email.pk}.") and first.endswith("@sesame.example>")


def test_a_fresh_claim_is_left_alone_however_old_the_email(
    user, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_STALE_SECONDS = 60
    email = _queued(user, django_capture_on_commit_callbacks)
    now = timezone.now()
    OutboundEmail.objects.filter(pk=email.pk).update(
        status=EmailStatus.SENDING,
        created_at=now - datetime.timedelta(hours=2),
        claimed_at=now - datetime.timedelta(seconds=10),
    )
    assert delivery.email_requeue_stale(now=now) == []
    assert OutboundEmail.objects.get(pk=email.pk).status == EmailStatus.SENDING

    later = now + datetime.timedelta(seconds=60)
    assert delivery.email_requeue_stale(now=later) == [email.pk]
    row = OutboundEmail.objects.get(pk=email.pk)
    assert row.status == EmailStatus.FAILED and row.last_error == "worker lost while sending"


def test_a_queued_email_whose_task_was_lost_is_queued_again_after_the_stale_delay(
    user, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_STALE_SECONDS = 30
    email = _queued(user, django_capture_on_commit_callbacks)
    assert delivery.email_requeue_stale(now=email.created_at) == []
    later = email.created_at + datetime.timedelta(seconds=31)
    assert delivery.email_requeue_stale(now=later) == [email.pk]


def test_the_row_is_marked_sent_before_the_smtp_connection_is_closed(
    user, django_capture_on_commit_callbacks
):
    """A kill during QUIT must not send the e-mail again: the row is already "sent"."""
    email = _queued(user, django_capture_on_commit_callbacks)
    seen = []

    def close(self):
        seen.append(OutboundEmail.objects.get(pk=email.pk).status)

    with mock.patch.object(EmailBackend, "close", close, create=True):
        assert delivery.email_deliver(email_id=email.pk) is True
    assert seen == [EmailStatus.SENT]


def test_a_failing_quit_after_acceptance_leaves_the_email_sent(
    user, mailoutbox, django_capture_on_commit_callbacks
):
    email = _queued(user, django_capture_on_commit_callbacks)
    with mock.patch.object(EmailBackend, "close", side_effect=OSError("reset"), create=True):
        assert delivery.email_deliver(email_id=email.pk) is True
    assert OutboundEmail.objects.get(pk=email.pk).status == EmailStatus.SENT
    assert len(mailoutbox) == 1
