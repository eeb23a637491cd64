from celery import shared_task

from .services import decisions


@shared_task
def requests_expire() -> int:
    """Periodic (beat): pending access requests past their time expire."""
    return decisions.requests_expire()
