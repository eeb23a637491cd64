"""Thin Celery tasks: they take ids (or nothing) and call one service."""

from celery import shared_task

from . import services


@shared_task
def provider_accesses_expire() -> int:
    """Periodic (beat): provider access offers unanswered past their time expire."""
    return services.provider_accesses_expire()
