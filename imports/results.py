"""The result file of a job: every row as it was in the file, with its outcome and message,
each cell made safe for spreadsheets (`common.csv`)."""

from django.http import Http404
from django.utils.translation import gettext as _

from common.csv import csv_response

from .models import ImportJob, RowStatus
from .parsing import result_columns
from .selectors import import_rows


def result_response(job: ImportJob, *, failed_only: bool):
    """The result file of a job (every row, or the refused ones), while it is offered."""
    if not job.result_available():
        raise Http404
    headers = job.headers()
    keys = list(headers)
    labels: dict[str, str] = {
        RowStatus.CREATE: _("OK"),
        RowStatus.UPDATE: _("OK (mis à jour)"),
        RowStatus.EXISTS: _("Existe déjà"),
        RowStatus.REFUSED: _("Refusée"),
    }
    rows = (
        [*(row.data.get(k, "") for k in keys), labels.get(row.status, row.status), row.message]
        for row in import_rows(job=job, failed_only=failed_only).iterator()
    )
    name = "lignes-refusees" if failed_only else "resultat"
    return csv_response(
        filename=f"{name}-import-{job.pk}.csv",
        header=[*headers.values(), *(c.headers[0] for c in result_columns())],
        rows=rows,
    )
