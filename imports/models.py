"""Import jobs: an uploaded file's rows, what each did, the job's progress and its result."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Company

RESULT_DAYS = 7


class ImportKind(models.TextChoices):
    ADVANCED_USERS = "advanced_users", _("Utilisateurs avancés")
    STANDARD_USERS = "standard_users", _("Utilisateurs")
    # Registered by the portal (it calls approvals, which imports may not import).
    ESECURE_SENDERS = "esecure_senders", _("Utilisateurs autorisés eSecure")


class JobStatus(models.TextChoices):
    PREVIEWING = "previewing", _("Simulation en cours")
    PREVIEWED = "previewed", _("Simulation prête")
    QUEUED = "queued", _("En attente")
    RUNNING = "running", _("En cours")
    DONE = "done", _("Terminé")
    CANCELLED = "cancelled", _("Abandonné")
    FAILED = "failed", _("Échec")


# A job in one of these holds the admin's place for its kind: one at a time.
BUSY = (JobStatus.PREVIEWING, JobStatus.QUEUED, JobStatus.RUNNING)


class RowStatus(models.TextChoices):
    PENDING = "pending", _("À traiter")
    CREATE = "create", _("Création")
    UPDATE = "update", _("Mise à jour")
    EXISTS = "exists", _("Existe déjà")
    REFUSED = "refused", _("Refusée")


class ImportJobQuerySet(models.QuerySet):
    def for_company(self, company):
        return self.filter(company=company)


class ImportJob(models.Model):
    """One uploaded file of one kind, for one company, by one admin: first simulated (dry run),
    then run by the worker a chunk of rows at a time."""

    company = models.ForeignKey(
        Company, on_delete=models.PROTECT, related_name="import_jobs", verbose_name=_("société")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="import_jobs",
        verbose_name=_("importé par"),
    )
    kind = models.CharField(_("type d'import"), max_length=32, choices=ImportKind.choices)
    status = models.CharField(
        _("statut"), max_length=16, choices=JobStatus.choices, default=JobStatus.PREVIEWING
    )
    file_name = models.CharField(_("nom du fichier"), max_length=255)
    # [key, header] pairs in the file's order (a list: PostgreSQL's jsonb keeps no key order).
    columns = models.JSONField(_("colonnes"), default=list)
    total_rows = models.PositiveIntegerField(_("lignes"), default=0)
    rows_done = models.PositiveIntegerField(_("lignes traitées"), default=0)
    rows_ok = models.PositiveIntegerField(_("lignes réussies"), default=0)
    rows_exists = models.PositiveIntegerField(_("lignes déjà présentes"), default=0)
    rows_error = models.PositiveIntegerField(_("lignes refusées"), default=0)
    ip_address = models.GenericIPAddressField(_("adresse IP"), null=True, blank=True)
    created_at = models.DateTimeField(_("envoyé le"), default=timezone.now)
    started_at = models.DateTimeField(_("commencé le"), null=True, blank=True)
    finished_at = models.DateTimeField(_("terminé le"), null=True, blank=True)
    result_until = models.DateTimeField(_("résultat disponible jusqu'au"), null=True, blank=True)
    replaced_at = models.DateTimeField(_("résultat remplacé le"), null=True, blank=True)
    # Set by the worker at each chunk: a busy job untouched for long was left by a dead worker.
    touched_at = models.DateTimeField(_("dernière activité"), null=True, blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["created_by", "company", "kind"],
                condition=Q(status__in=["previewing", "queued", "running"]),
                name="imports_job_one_busy_per_admin_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.file_name} ({self.created_at:%Y-%m-%d %H:%M})"

    def headers(self) -> dict[str, str]:
        """Column key → header as in the file, in the file's order."""
        return dict(self.columns)

    @property
    def is_busy(self) -> bool:
        return self.status in BUSY

    @property
    def is_dry_run(self) -> bool:
        return self.status in (JobStatus.PREVIEWING, JobStatus.PREVIEWED)

    @property
    def percent(self) -> int:
        return round(100 * self.rows_done / self.total_rows) if self.total_rows else 100

    def result_available(self, now=None) -> bool:
        return (
            self.status == JobStatus.DONE
            and self.replaced_at is None
            and self.result_until is not None
            and self.result_until > (now or timezone.now())
        )


class ImportRow(models.Model):
    """A data row of the file, as read (cells by column key), and its outcome: planned in the
    dry run, then what it did. Kept until the result file is no longer offered."""

    job = models.ForeignKey(
        ImportJob, on_delete=models.CASCADE, related_name="rows", verbose_name=_("import")
    )
    line = models.PositiveIntegerField(_("ligne"))
    data = models.JSONField(_("cellules"), default=dict)
    status = models.CharField(
        _("statut"), max_length=16, choices=RowStatus.choices, default=RowStatus.PENDING
    )
    message = models.TextField(_("message"), blank=True)
    user_id = models.PositiveIntegerField(_("personne"), null=True, blank=True)

    class Meta:
        verbose_name = _("ligne importée")
        verbose_name_plural = _("lignes importées")
        ordering = ["job", "line"]
        constraints = [
            models.UniqueConstraint(fields=["job", "line"], name="imports_row_job_line_unique"),
        ]
        indexes = [models.Index(fields=["job", "status", "line"], name="imports_row_job_status")]

    def __str__(self) -> str:
        return f"{self.job_id}:{self.line}"
