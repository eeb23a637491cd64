"""Thin Celery tasks: they take ids (or nothing) and call one service."""

from celery import shared_task

from . import services


@shared_task
def provider_accesses_expire() -> int:
    """Periodic (beat): provider access offers unanswered past their time expire."""
    return services.provider_accesses_expire()


@shared_task
def provider_accesses_end_due() -> int:
    """Periodic (beat): active provider accesses past their end date end (the engine already
    stopped counting their grants at the date)."""
    return services.provider_accesses_end_due()


@shared_task
def provider_accesses_remind() -> int:
    """Periodic (beat): both sides are told 14 days before a provider access ends."""
    return services.provider_accesses_remind()


@shared_task
def router_rights_end_due() -> int:
    """Received rights past their end date end, with the cascade (the engine already stopped
    counting them at the date)."""
    return services.router_rights_end_due()


@shared_task
def router_rights_remind() -> int:
    """Both sides are told 14 days before received rights end."""
    return services.router_rights_remind()
