"""Thin Celery tasks: they take ids and call `approvals.jobs`."""

from celery import shared_task

from . import jobs


@shared_task(bind=True, acks_late=True, max_retries=5)
def request_notify(self, request_id: int) -> bool:
    """A new access request's decision links, e-mails and inbox messages (queued by the sender
    check after its commit). Safe to run again: a request is notified once."""
    try:
        return jobs.request_notify(request_id=request_id)
    except Exception as exc:
        raise self.retry(exc=exc, countdown=min(30 * 2**self.request.retries, 600)) from exc


@shared_task
def requests_notify_stale() -> int:
    """Periodic (beat): queues again the requests whose notification was lost."""
    ids = jobs.requests_notify_stale()
    for request_id in ids:
        request_notify.delay(request_id)
    return len(ids)


@shared_task
def requests_expire() -> int:
    """Periodic (beat): pending access requests past their time expire."""
    return jobs.requests_expire()
