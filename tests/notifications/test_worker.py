"""Runs only where CI provides Redis and PostgreSQL: a real worker process sends the e-mail."""

import time

import pytest
from django.db import transaction

from notifications import emails
from notifications.models import EmailStatus, OutboundEmail

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _wait_for(predicate, seconds=30.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_real_worker_sends_the_email_after_commit(celery_worker_process, user):
    with transaction.atomic():
        email = emails.send_password_changed(user=user, display_name=user.display_name)
    assert _wait_for(lambda: OutboundEmail.objects.get(pk=email.pk).status == EmailStatus.SENT), (
        OutboundEmail.objects.get(pk=email.pk).last_error
    )
    written = "".join(p.read_text() for p in celery_worker_process.iterdir())
    assert user.email in written
    assert OutboundEmail.objects.get(pk=email.pk).attempts == 1


def test_real_worker_sends_nothing_for_a_rolled_back_write(celery_worker_process, user):
    files_before = set(celery_worker_process.iterdir())
    with pytest.raises(RuntimeError), transaction.atomic():
        emails.send_password_changed(user=user, display_name=user.display_name)
        raise RuntimeError("rolled back")
    time.sleep(2)
    assert OutboundEmail.objects.count() == 0
    assert set(celery_worker_process.iterdir()) == files_before
