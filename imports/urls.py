"""Routes of the imports (namespace "imports")."""

from django.urls import path

from . import views

app_name = "imports"

urlpatterns = [
    path("imports/", views.import_home, name="home"),
    path("imports/jobs/<int:pk>/", views.import_job, name="job"),
    path("imports/jobs/<int:pk>/progress/", views.import_job_progress, name="job-progress"),
    path("imports/jobs/<int:pk>/run/", views.import_job_confirm, name="job-confirm"),
    path("imports/jobs/<int:pk>/result.csv", views.import_job_result, name="job-result"),
    path("imports/jobs/<int:pk>/failed.csv", views.import_job_failed, name="job-failed"),
    path("imports/<str:kind>/", views.import_kind, name="kind"),
    path("imports/<str:kind>/template.csv", views.import_template, name="template"),
]
