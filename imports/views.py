"""Pages of the imports: the page of a kind (template, upload, latest job), a job (dry run,
progress polled by htmx, one click to run), the result files."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from accounts.permissions import WRITE_ONLY, admin_required, company_required, object_view
from accounts.services import client_ip
from common.csv import csv_response
from common.views import service_errors, service_messages

from . import selectors, services
from .forms import UploadForm
from .kinds import kind_get
from .models import ImportJob, ImportKind, RowStatus
from .parsing import MAX_ROWS
from .results import result_response

PREVIEW_LIMIT = 1000


def _kind_or_404(request, kind: str):
    """The kind's spec (404 when unknown), if this person may use it (else 403)."""
    spec = kind_get(kind) if kind in ImportKind.values else None
    if spec is None:
        raise Http404
    if not spec.may_use(request=request):
        raise PermissionDenied
    return spec


def _job_or_404(request, pk: int) -> ImportJob:
    """One of this person's jobs in this company (else 404), of a kind they still may use."""
    job = selectors.import_job_get(company=request.company, actor=request.user, pk=pk)
    if job is None:
        raise Http404
    _kind_or_404(request, job.kind)
    return job


@admin_required
def import_home(request):
    return redirect("imports:kind", kind=ImportKind.ADVANCED_USERS)


@company_required
def import_kind(request, kind: str):
    """Explains the file, offers the template, takes an upload; shows the latest job."""
    spec = _kind_or_404(request, kind)
    latest = selectors.import_job_latest(company=request.company, actor=request.user, kind=kind)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = services.import_job_create(
                company=request.company,
                actor=request.user,
                kind=kind,
                file_name=upload.name,
                data=upload.read(),
                dry_run=form.cleaned_data["dry_run"],
                ip_address=client_ip(request),
            )
        except ValidationError as exc:
            service_errors(form, exc)
        else:
            return redirect("imports:job", pk=job.pk)
    return render(
        request,
        "imports/kind.html",
        {
            "kind": kind,
            "kind_label": ImportKind(kind).label,
            "help_template": spec.help_template,
            "other_kinds": _other_kinds(request, kind),
            "form": form,
            "latest": latest,
            "max_rows": MAX_ROWS,
            "replaces": latest is not None and latest.result_available(),
        },
        status=400 if form.errors else 200,
    )


def _other_kinds(request, kind: str) -> list[tuple[str, str]]:
    """The other kinds this person may import, for links between the pages."""
    return [
        (value, str(label))
        for value, label in ImportKind.choices
        if value != kind and (spec := kind_get(value)) and spec.may_use(request=request)
    ]


@company_required
def import_template(request, kind: str):
    spec = _kind_or_404(request, kind)
    header, example = spec.template(company=request.company, actor=request.user)
    return csv_response(
        filename=f"modele-{kind.replace('_', '-')}.csv", header=header, rows=[example]
    )


def _job_context(job: ImportJob) -> dict:
    return {"job": job, "now": timezone.now(), "done_statuses": RowStatus}


@company_required
@object_view(_job_or_404)
def import_job(request, job: ImportJob):
    rows = list(selectors.import_rows(job=job)[:PREVIEW_LIMIT]) if not job.is_busy else []
    return render(
        request,
        "imports/job.html",
        {**_job_context(job), "rows": rows, "kind_label": job.get_kind_display()},
    )


@company_required
@object_view(_job_or_404)
def import_job_progress(request, job: ImportJob):
    """The progress panel alone (polled every second while the job works); once the job is
    done, htmx is told to reload the whole page to show the rows."""
    response = render(request, "imports/_progress.html", _job_context(job))
    if not job.is_busy and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    return response


@company_required
@object_view(_job_or_404, methods=WRITE_ONLY)
def import_job_confirm(request, job: ImportJob):
    try:
        services.import_job_confirm(job=job, actor=request.user)
    except ValidationError as exc:
        service_messages(request, exc)
    return redirect("imports:job", pk=job.pk)


@company_required
@object_view(_job_or_404)
def import_job_result(request, job: ImportJob):
    return result_response(job, failed_only=False)


@company_required
@object_view(_job_or_404)
def import_job_failed(request, job: ImportJob):
    return result_response(job, failed_only=True)
