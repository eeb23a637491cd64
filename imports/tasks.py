"""Thin Celery tasks: they take ids and call the engine."""

from celery import shared_task

from . import engine


@shared_task(acks_late=True, reject_on_worker_lost=True)
def import_job_run(job_id: int) -> str:
    """Runs an import job (dry run or real run); run again, it goes on where it stopped."""
    return engine.job_process(job_id=job_id)
