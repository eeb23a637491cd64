"""Writes of the imports app: accept an upload (checked at once, then queued), confirm a dry
run, forget expired results. The rows themselves are written by the worker (`engine`)."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .kinds import kind_get
from .models import BUSY, ImportJob, ImportRow, JobStatus, RowStatus
from .parsing import read_csv
from .tasks import import_job_run


def _queue(job_id: int) -> None:
    transaction.on_commit(lambda: import_job_run.delay(job_id))


def import_job_create(
    *,
    company,
    actor,
    kind: str,
    file_name: str,
    data: bytes,
    dry_run: bool = True,
    ip_address: str | None = None,
) -> ImportJob:
    """Checks the file at once (size, encoding, header, row count) and queues it: first as a
    dry run unless asked otherwise. One job at a time per admin and kind; the admin's previous
    result of this kind is replaced (the page warns before)."""
    spec = kind_get(kind)
    if spec is None:
        raise ValidationError(_("Type d'import inconnu."))
    parsed = read_csv(data, spec.columns(company=company, actor=actor))
    try:
        with transaction.atomic():
            job = _create(
                company=company,
                actor=actor,
                kind=kind,
                file_name=file_name,
                parsed=parsed,
                dry_run=dry_run,
                ip_address=ip_address,
            )
    except IntegrityError:
        raise _busy() from None
    return job


def _busy() -> ValidationError:
    return ValidationError(
        _(
            "Un import de ce type est déjà en cours pour vous : attendez qu'il soit terminé "
            "avant d'envoyer un autre fichier."
        )
    )


def _create(*, company, actor, kind, file_name, parsed, dry_run, ip_address) -> ImportJob:
    mine = ImportJob.objects.select_for_update().filter(
        company=company, created_by=actor, kind=kind
    )
    if mine.filter(status__in=BUSY).exists():
        raise _busy()
    now = timezone.now()
    earlier = list(
        mine.filter(status__in=[JobStatus.PREVIEWED, JobStatus.DONE], replaced_at__isnull=True)
    )
    ImportRow.objects.filter(job__in=earlier).delete()
    mine.filter(status=JobStatus.PREVIEWED).update(status=JobStatus.CANCELLED, replaced_at=now)
    mine.filter(status=JobStatus.DONE, replaced_at__isnull=True).update(replaced_at=now)
    job = ImportJob.objects.create(
        company=company,
        created_by=actor,
        kind=kind,
        status=JobStatus.PREVIEWING if dry_run else JobStatus.QUEUED,
        file_name=file_name[:255],
        columns=[list(pair) for pair in zip(parsed.columns, parsed.headers, strict=True)],
        total_rows=len(parsed.rows),
        ip_address=ip_address,
    )
    ImportRow.objects.bulk_create(
        [ImportRow(job=job, line=line, data=cells) for line, cells in parsed.rows],
        batch_size=500,
    )
    _queue(job.pk)
    return job


@transaction.atomic
def import_job_confirm(*, job: ImportJob, actor) -> ImportJob:
    """After the dry run, the real run with one click: the rows start again from the top."""
    if job.created_by_id != actor.pk:
        raise ValidationError(_("Seule la personne qui a envoyé ce fichier peut le lancer."))
    updated = ImportJob.objects.filter(pk=job.pk, status=JobStatus.PREVIEWED).update(
        status=JobStatus.QUEUED,
        rows_done=0,
        rows_ok=0,
        rows_exists=0,
        rows_error=0,
        touched_at=timezone.now(),
    )
    if not updated:
        raise ValidationError(_("Cet import a déjà été lancé ou remplacé."))
    job.rows.update(status=RowStatus.PENDING, message="", user_id=None)
    _queue(job.pk)
    job.refresh_from_db()
    return job
