"""Reads of the imports app, always scoped to the company and the admin who imports."""

from django.db.models import QuerySet

from .models import ImportJob, ImportRow, JobStatus, RowStatus


def import_job_get(*, company, actor, pk: int) -> ImportJob | None:
    """One of this admin's jobs in this company (None for anyone else's)."""
    return ImportJob.objects.for_company(company).filter(created_by=actor, pk=pk).first()


def import_job_latest(*, company, actor, kind: str) -> ImportJob | None:
    """The admin's latest job of a kind not replaced by a newer upload."""
    return (
        ImportJob.objects.for_company(company)
        .filter(created_by=actor, kind=kind, replaced_at__isnull=True)
        .exclude(status=JobStatus.CANCELLED)
        .first()
    )


def import_rows(*, job: ImportJob, failed_only: bool = False) -> QuerySet[ImportRow]:
    rows = job.rows.order_by("line")
    return rows.filter(status=RowStatus.REFUSED) if failed_only else rows
