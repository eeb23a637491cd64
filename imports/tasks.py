"""Thin Celery tasks: they take ids and call the engine."""

from celery import shared_task

from . import engine


@shared_task(acks_late=True, reject_on_worker_lost=True)
def import_job_run(job_id: int) -> str:
    """Runs an import job (dry run or real run); run again, it goes on where it stopped."""
    return engine.job_process(job_id=job_id)


@shared_task
def import_jobs_requeue_stale() -> int:
    """Periodic: queues again the jobs a dead worker left busy; they go on where they stopped."""
    stale = engine.jobs_stale_take()
    for job_id in stale:
        import_job_run.delay(job_id)
    return len(stale)


@shared_task
def import_rows_purge() -> int:
    """Periodic: forgets the rows of files past their 7 days."""
    return engine.rows_purge()
