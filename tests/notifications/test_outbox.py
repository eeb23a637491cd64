from unittest import mock

import pytest
from django.core import mail
from django.db import transaction

from notifications import delivery, emails
from notifications.models import EmailStatus, OutboundEmail

pytestmark = pytest.mark.django_db


def test_email_is_sent_only_after_commit(user, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        emails.send_password_changed(user=user, display_name=user.display_name)
        assert mailoutbox == []
    assert len(callbacks) == 1
    callbacks[0]()
    assert len(mailoutbox) == 1
    row = OutboundEmail.objects.get()
    assert row.status == EmailStatus.SENT and row.attempts == 1 and row.sent_at is not None


@pytest.mark.django_db(transaction=True)
def test_rolled_back_write_sends_nothing(user, mailoutbox):
    with pytest.raises(RuntimeError), transaction.atomic():
        emails.send_password_changed(user=user, display_name=user.display_name)
        raise RuntimeError("the write failed")
    assert mailoutbox == []
    assert OutboundEmail.objects.count() == 0


def test_failed_send_is_retried_and_then_delivered(
    user, mailoutbox, django_capture_on_commit_callbacks
):
    real_send = mail.EmailMultiAlternatives.send
    calls = {"n": 0}

    def flaky_send(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            raise ConnectionError("SMTP server went away")
        return real_send(self, *args, **kwargs)

    with (
        mock.patch.object(mail.EmailMultiAlternatives, "send", flaky_send),
        django_capture_on_commit_callbacks(execute=True),
    ):
        emails.send_password_changed(user=user, display_name=user.display_name)
    row = OutboundEmail.objects.get()
    assert row.status == EmailStatus.SENT
    assert row.attempts == 2
    assert len(mailoutbox) == 1


def test_send_gives_up_after_max_attempts_and_records_the_error(
    user, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_MAX_ATTEMPTS = 3
    with (
        mock.patch.object(mail.EmailMultiAlternatives, "send", side_effect=ConnectionError("down")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        emails.send_password_changed(user=user, display_name=user.display_name)
    row = OutboundEmail.objects.get()
    assert row.status == EmailStatus.FAILED
    assert row.attempts == 3
    assert "down" in row.last_error


def test_a_sent_email_is_never_sent_twice(user, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        email = emails.send_password_changed(user=user, display_name=user.display_name)
    assert delivery.email_deliver(email_id=email.pk) is False
    assert len(mailoutbox) == 1


@pytest.mark.parametrize(
    ("language", "expected"),
    [("fr", "mot de passe"), ("en", "password"), ("nl", "wachtwoord"), ("de", "Passwort")],
)
def test_email_is_written_in_the_recipients_language(
    user, mailoutbox, django_capture_on_commit_callbacks, language, expected
):
    user.language = language
    with django_capture_on_commit_callbacks(execute=True):
        emails.send_password_changed(user=user, display_name=user.display_name)
    message = mailoutbox[0]
    assert expected in message.subject
    assert expected.lower() in message.body.lower()
    html = message.alternatives[0][0]
    assert f'lang="{language}"' in html


def test_stale_sending_rows_are_requeued(user, django_capture_on_commit_callbacks):
    import datetime

    from django.utils import timezone

    with django_capture_on_commit_callbacks(execute=False):
        email = emails.send_password_changed(user=user, display_name=user.display_name)
    OutboundEmail.objects.filter(pk=email.pk).update(
        status=EmailStatus.SENDING, created_at=timezone.now() - datetime.timedelta(hours=1)
    )
    assert delivery.email_requeue_stale() == [email.pk]


def test_a_batch_of_emails_is_one_task_message_then_one_email_each(
    user, mailoutbox, django_capture_on_commit_callbacks
):
    from notifications import services, tasks

    items = [
        {
            "user": user,
            "display_name": f"Personne {i}",
            "company_name": "Imprimerie Test SA",
            "created_by": "Admin",
            "create_url": f"https://sesame.example/accounts/recovery/{i}/",
            "valid_hours": 24,
        }
        for i in range(3)
    ]
    with (
        mock.patch.object(
            services.email_send_each, "delay", wraps=tasks.email_send_each.delay
        ) as batch,
        django_capture_on_commit_callbacks(execute=True),
    ):
        emails.send_user_create_password_many(links=items)
    assert batch.call_count == 1 and len(batch.call_args.args[0]) == 3
    assert len(mailoutbox) == 3
    assert OutboundEmail.objects.filter(status=EmailStatus.SENT).count() == 3
