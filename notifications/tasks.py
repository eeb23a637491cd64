"""Thin Celery tasks: they take ids and call one service."""

from celery import shared_task
from django.conf import settings

from . import delivery


@shared_task(bind=True, max_retries=None, acks_late=True)
def email_send(self, email_id: int) -> bool:
    """Sends one outbox e-mail; retries with exponential back-off on any transport error."""
    try:
        return delivery.email_deliver(email_id=email_id)
    except Exception as exc:
        if self.request.retries + 1 >= settings.EMAIL_MAX_ATTEMPTS:
            return False
        countdown = min(30 * 2**self.request.retries, 3600)
        raise self.retry(exc=exc, countdown=countdown) from exc


@shared_task(acks_late=True)
def email_send_each(email_ids: list[int]) -> int:
    """Queues one sending task per e-mail of a batch (imports): the importing worker publishes
    one message per chunk instead of one per person, and this fan-out runs beside it. A lost
    batch is caught up by `email_retry_stale`."""
    for email_id in email_ids:
        email_send.delay(email_id)
    return len(email_ids)


@shared_task
def email_retry_stale() -> int:
    """Periodic: re-sends e-mails lost by a dead worker or failed with attempts left."""
    ids = delivery.email_requeue_stale()
    for email_id in ids:
        email_send.delay(email_id)
    return len(ids)
