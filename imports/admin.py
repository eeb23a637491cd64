"""Support staff see every import: status, counts, and the result file while it is offered."""

from django.contrib import admin
from django.http import Http404
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import ImportJob
from .results import result_response


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = (
        "created_at",
        "company",
        "created_by",
        "kind",
        "file_name",
        "status",
        "total_rows",
        "rows_ok",
        "rows_exists",
        "rows_error",
    )
    list_filter = ("kind", "status")
    search_fields = ("file_name", "company__name", "created_by__username", "created_by__email")
    list_select_related = ("company", "created_by")
    readonly_fields = [f.name for f in ImportJob._meta.fields] + ["result_file"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("fichier de résultat"))
    def result_file(self, obj):
        if not obj.result_available():
            return "—"
        url = reverse("admin:imports_importjob_result", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Télécharger (CSV)"))

    def get_urls(self):
        return [
            path(
                "<int:pk>/result.csv",
                self.admin_site.admin_view(self.result_view),
                name="imports_importjob_result",
            ),
            *super().get_urls(),
        ]

    def result_view(self, request, pk: int):
        job = ImportJob.objects.filter(pk=pk).first()
        if job is None or not self.has_view_permission(request, job):
            raise Http404
        return result_response(job, failed_only=False)
