"""Thin periodic tasks of the delegation app: they call one service each."""

from celery import shared_task

from . import services


@shared_task
def router_rights_end_due() -> int:
    """Received rights past their end date end, with the cascade (the engine already stopped
    counting them at the date)."""
    return services.router_rights_end_due()


@shared_task
def router_rights_remind() -> int:
    """Both sides are told 14 days before received rights end."""
    return services.router_rights_remind()
