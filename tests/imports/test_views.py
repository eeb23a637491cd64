"""The import pages: anonymous, other company (404), missing right (403), allowed; template,
upload refused at once, progress polled by htmx, result downloads for 7 days."""

from datetime import timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from imports.models import ImportJob, JobStatus
from tests.factories import AdminMembershipFactory

from .conftest import csv_file

pytestmark = pytest.mark.django_db

KIND_URL = reverse("imports:kind", args=["advanced_users"])


def _post(client, data, name="personnes.csv", dry_run=False):
    payload = {"file": SimpleUploadedFile(name, data, content_type="text/csv")}
    if dry_run:
        payload["dry_run"] = "on"
    return client.post(KIND_URL, payload)


@pytest.fixture
def done_job(world, client, django_capture_on_commit_callbacks):
    client.force_login(world["admin"])
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, csv_file(2))
    assert response.status_code == 302
    return ImportJob.objects.get()


def _job_urls(job):
    return [
        reverse("imports:job", args=[job.pk]),
        reverse("imports:job-progress", args=[job.pk]),
        reverse("imports:job-result", args=[job.pk]),
        reverse("imports:job-failed", args=[job.pk]),
    ]


def test_pages_send_anonymous_visitors_to_sign_in(client, done_job):
    client.logout()
    for url in [
        KIND_URL,
        reverse("imports:template", args=["advanced_users"]),
        *_job_urls(done_job),
    ]:
        assert client.get(url).status_code == 302


def test_another_companys_job_answers_404(client, done_job, other_company_admin):
    client.force_login(other_company_admin)
    for url in _job_urls(done_job):
        assert client.get(url).status_code == 404
    confirm = reverse("imports:job-confirm", args=[done_job.pk])
    for method in (client.post, client.get, client.head):
        assert method(confirm).status_code == 404


def test_another_admin_of_the_company_does_not_see_the_job(client, done_job, company):
    colleague = AdminMembershipFactory(company=company).user
    client.force_login(colleague)
    assert client.get(_job_urls(done_job)[0]).status_code == 404


def test_a_member_without_user_management_gets_403(client, user):
    client.force_login(user)
    assert client.get(KIND_URL).status_code == 403
    assert client.get(reverse("imports:template", args=["advanced_users"])).status_code == 403


def test_unknown_kind_answers_404(client, admin):
    client.force_login(admin)
    assert client.get(reverse("imports:kind", args=["nope"])).status_code == 404


def test_template_has_the_rights_this_admin_may_grant_and_an_example(client, world):
    client.force_login(world["admin"])
    response = client.get(reverse("imports:template", args=["advanced_users"]))
    header, example = response.content.decode("utf-8-sig").strip().splitlines()
    assert header.startswith("Nom;Prénom;Fonction;E-mail;Téléphone;Adresse;Code postal;Ville")
    assert "WS Affranchissement" in header
    assert "Consultation des conditions tarifaires" not in header  # held nowhere by the admin
    assert "marie.dupont@example.com" in example


def test_the_template_uploaded_as_it_is_is_accepted(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world["admin"])
    template = client.get(reverse("imports:template", args=["advanced_users"])).content
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, template, dry_run=True)
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert job.status == JobStatus.PREVIEWED and job.rows_ok == 1


def test_a_refused_upload_says_what_to_fix_and_queues_nothing(client, world):
    client.force_login(world["admin"])
    response = _post(client, b"Nom;Salaire\nA;1\n")
    assert response.status_code == 400
    assert "« Salaire »" in response.content.decode()
    response = _post(client, csv_file(1001))
    assert "1001 lignes" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_progress_polls_while_busy_and_refreshes_when_done(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world["admin"])
    with django_capture_on_commit_callbacks(execute=False):
        _post(client, csv_file(2))
    job = ImportJob.objects.get()
    page = client.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert 'data-hx-trigger="every 1s"' in page
    with django_capture_on_commit_callbacks(execute=True):
        from imports.engine import job_process

        job_process(job_id=job.pk)
    response = client.get(reverse("imports:job-progress", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert response["HX-Refresh"] == "true"
    assert "every 1s" not in response.content.decode()


def test_dry_run_page_offers_to_run_it(client, world, django_capture_on_commit_callbacks):
    client.force_login(world["admin"])
    with django_capture_on_commit_callbacks(execute=True):
        _post(client, csv_file(2), dry_run=True)
    job = ImportJob.objects.get()
    page = client.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert "Lancer l&#x27;import" in page or "Lancer l'import" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports:job-confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == JobStatus.DONE


def test_result_is_downloadable_for_7_days_and_the_page_says_until_when(client, done_job):
    page = client.get(KIND_URL).content.decode()
    assert "disponible jusqu" in page
    assert client.get(reverse("imports:job-result", args=[done_job.pk])).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)):
        assert client.get(reverse("imports:job-result", args=[done_job.pk])).status_code == 404


def test_the_page_warns_that_a_new_upload_replaces_the_result(client, done_job):
    page = client.get(KIND_URL).content.decode()
    assert "le remplacera" in page and "data-confirm" in page


def test_support_staff_see_jobs_in_admin(client, done_job, staff):
    client.force_login(staff)
    assert client.get(reverse("admin:imports_importjob_changelist")).status_code == 200
    page = client.get(
        reverse("admin:imports_importjob_change", args=[done_job.pk])
    ).content.decode()
    assert "result.csv" in page
    assert (
        client.get(reverse("admin:imports_importjob_result", args=[done_job.pk])).status_code == 200
    )


def test_navigation_has_an_imports_entry_for_admins(client, admin):
    client.force_login(admin)
    assert reverse("imports:home") in client.get(KIND_URL).content.decode()
