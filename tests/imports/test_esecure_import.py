"""eSecure authorized e-mails through the imports engine (the upload that used to run in the web
request): file shapes, every row category, only the accounts the customer admin administers,
exactly once, bounded queries, audit, the pages and the way from the eSecure area."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import AccountApplication, Application, AuditEvent
from approvals.models import (
    AccessRequest,
    AuthorizedSender,
    CustomerAdmin,
    Origin,
    ProtectedAccount,
    RequestStatus,
    SenderStatus,
)
from approvals.services.checks import sender_check
from imports import engine
from imports.models import ImportJob, JobStatus, RowStatus
from imports.results import result_response
from imports.services import import_job_confirm, import_job_create
from tests.factories import AdminMembershipFactory, CustomerAccountFactory, MembershipFactory

pytestmark = pytest.mark.django_db

KIND = "esecure_senders"
KIND_URL = reverse("imports:kind", args=[KIND])


def _protect(company, number: str) -> ProtectedAccount:
    account = CustomerAccountFactory(company=company, number=number)
    AccountApplication.objects.create(
        account=account, application=Application.objects.get(code="dhl-shipping")
    )
    return ProtectedAccount.objects.create(account=account, is_active=True)


@pytest.fixture
def protected(company):
    """Account 950000033 under eSecure; « anne » is its customer admin (and a company admin)."""
    return _protect(company, "950000033")


@pytest.fixture
def anne(protected, company):
    person = AdminMembershipFactory(company=company, user__username="anne").user
    CustomerAdmin.objects.create(protected_account=protected, user=person)
    return person


def _upload(company, actor, data: bytes, capture, *, dry_run=False, execute=True) -> ImportJob:
    with capture(execute=execute):
        job = import_job_create(
            company=company,
            actor=actor,
            kind=KIND,
            file_name="adresses.csv",
            data=data,
            dry_run=dry_run,
        )
    job.refresh_from_db()
    return job


def _outcomes(job):
    return [(r.status, r.message) for r in job.rows.order_by("line")]


def test_mixed_rows_give_a_result_per_row_and_apply_the_valid_ones(
    company, protected, anne, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sender_check(account_number="950000033", email="asker@client.example", name="Asker")
    mailoutbox.clear()
    AuthorizedSender.objects.create(
        protected_account=protected,
        email="known@client.example",
        status=SenderStatus.APPROVED,
        origin=Origin.MANUAL,
    )
    AuthorizedSender.objects.create(
        protected_account=protected,
        email="refused@client.example",
        status=SenderStatus.REJECTED,
        origin=Origin.HISTORY,
    )
    content = (
        b"Identifiant Email;Nom\n"
        b"new@client.example;Nouveau\n"
        b"not-an-email;Personne\n"
        b"KNOWN@client.example;\n"
        b"\n"
        b"refused@client.example;\n"
        b"asker@client.example;\n"
        b"new@client.example;Encore\n"
        b'=HYPERLINK("http://evil");\n'
    )
    job = _upload(company, anne, content, django_capture_on_commit_callbacks)
    assert job.status == JobStatus.DONE
    assert [s for s, _m in _outcomes(job)] == [
        RowStatus.CREATE,
        RowStatus.REFUSED,
        RowStatus.EXISTS,
        RowStatus.UPDATE,
        RowStatus.UPDATE,
        RowStatus.REFUSED,
        RowStatus.REFUSED,
    ]
    messages = [m for _s, m in _outcomes(job)]
    assert "invalide" in messages[1] and "ligne 2" in messages[5]
    new = AuthorizedSender.objects.get(email="new@client.example")
    assert (new.status, new.origin, new.name) == (SenderStatus.APPROVED, Origin.UPLOAD, "Nouveau")
    assert new.assigned_by == anne
    assert AuthorizedSender.objects.get(email="refused@client.example").status == "approved"
    # The pending requester is decided through the request: told by e-mail.
    assert AccessRequest.objects.get().status == RequestStatus.APPROVED
    assert [m.to for m in mailoutbox] == [["asker@client.example"]]
    event = AuditEvent.objects.get(kind="esecure.senders_uploaded")
    assert event.after["added"] == ["new@client.example"] and event.after["import_job"] == job.pk
    assert sorted(event.after["updated"]) == ["asker@client.example", "refused@client.example"]
    assert sender_check(account_number="950000033", email="new@client.example").decision == (
        "allowed"
    )
    result = result_response(job, failed_only=False).content.decode("utf-8-sig")
    assert "'=HYPERLINK(" in result


def test_only_accounts_the_admin_administers_are_accepted(
    company, protected, anne, django_capture_on_commit_callbacks
):
    second = _protect(company, "950000044")
    CustomerAdmin.objects.create(protected_account=second, user=anne)
    _protect(company, "950000055")  # protected, but anne does not administer it
    content = (
        "E-mail;Nom;Numéro de compte\n"
        "a@client.example;A;950000044\n"
        "b@client.example;B;950000055\n"
        "c@client.example;C;\n"
        "d@client.example;D;950000033\n"
    ).encode()
    job = _upload(company, anne, content, django_capture_on_commit_callbacks)
    (s1, _m1), (s2, m2), (s3, m3), (s4, _m4) = _outcomes(job)
    assert s1 == s4 == RowStatus.CREATE
    assert s2 == RowStatus.REFUSED and "950000055" in m2
    assert s3 == RowStatus.REFUSED and "plusieurs comptes" in m3
    assert dict(
        AuthorizedSender.objects.values_list("email", "protected_account__account__number")
    ) == {"a@client.example": "950000044", "d@client.example": "950000033"}


def test_same_file_twice_approves_nothing_twice(
    company, protected, anne, django_capture_on_commit_callbacks
):
    content = b"E-mail\na@client.example\nb@client.example\n"
    _upload(company, anne, content, django_capture_on_commit_callbacks)
    again = _upload(company, anne, content, django_capture_on_commit_callbacks)
    assert [s for s, _m in _outcomes(again)] == [RowStatus.EXISTS] * 2
    assert AuthorizedSender.objects.count() == 2


def test_dry_run_changes_nothing_then_one_click_runs_it(
    company, protected, anne, django_capture_on_commit_callbacks
):
    job = _upload(
        company,
        anne,
        b"E-mail\na@client.example\n",
        django_capture_on_commit_callbacks,
        dry_run=True,
    )
    assert job.status == JobStatus.PREVIEWED and "Sera approuvé" in _outcomes(job)[0][1]
    assert not AuthorizedSender.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        import_job_confirm(job=job, actor=anne)
    assert AuthorizedSender.objects.get().email == "a@client.example"


@pytest.mark.parametrize(
    "content",
    [
        "email;nom\nzoe@client.example;Zoé Lefèvre\n".encode("cp1252"),
        "\ufeffE-mail;Nom\nzoe@client.example;Zoé Lefèvre\n".encode(),
        b'Email,Name\r\n"zoe@client.example","Zo\xc3\xa9 Lef\xc3\xa8vre"\r\n\r\n',
    ],
    ids=["windows-1252", "utf-8-bom", "comma-quoted-crlf"],
)
def test_files_as_offices_write_them_are_read(
    company, protected, anne, content, django_capture_on_commit_callbacks
):
    _upload(company, anne, content, django_capture_on_commit_callbacks)
    assert dict(AuthorizedSender.objects.values_list("email", "name")) == {
        "zoe@client.example": "Zoé Lefèvre"
    }


TOO_MANY = ("E-mail\n" + "".join(f"p{i}@client.example\n" for i in range(1001))).encode()


@pytest.mark.parametrize(
    "content,message",
    [
        (b"PK\x03\x04\x00\x00binary", "pas un fichier texte"),
        (b" ", "vide"),
        (b"email\n\n\n", "que la ligne d"),
        (b"a@client.example\n", "Colonne inconnue"),  # a header is needed: the template's
        (TOO_MANY, "1001 lignes"),
    ],
    ids=["binary", "empty", "header-only", "no-header", "1001-rows"],
)
def test_unreadable_files_are_refused_at_once(client, protected, anne, content, message):
    client.force_login(anne)
    response = client.post(KIND_URL, {"file": SimpleUploadedFile("a.csv", content, "text/csv")})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ImportJob.objects.exists() and not AuthorizedSender.objects.exists()


def test_1000_rows_are_approved_in_bounded_queries(
    company, protected, anne, django_capture_on_commit_callbacks
):
    content = ("E-mail\n" + "".join(f"p{i}@client.example\n" for i in range(1000))).encode()
    job = _upload(company, anne, content, django_capture_on_commit_callbacks, execute=False)
    with CaptureQueriesContext(connection) as ctx:
        engine.job_process(job_id=job.pk)
    assert len(ctx.captured_queries) < 100, len(ctx.captured_queries)  # 4 chunks of 250
    assert AuthorizedSender.objects.filter(status=SenderStatus.APPROVED).count() == 1000


# --- Pages ----------------------------------------------------------------------------------


def test_pages_answer_anonymous_other_company_missing_right_and_allowed(
    client, company, protected, anne, admin, other_company_admin, django_capture_on_commit_callbacks
):
    assert client.get(KIND_URL).status_code == 302
    client.force_login(admin)  # company admin, not eSecure customer admin
    assert client.get(KIND_URL).status_code == 403
    assert client.get(reverse("imports:template", args=[KIND])).status_code == 403
    client.force_login(anne)
    page = client.get(KIND_URL)
    assert page.status_code == 200 and "Numéro de compte" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            KIND_URL, {"file": SimpleUploadedFile("a.csv", b"E-mail\na@client.example\n")}
        )
    job = ImportJob.objects.get()
    assert response["Location"] == reverse("imports:job", args=[job.pk])
    assert client.get(reverse("imports:job-result", args=[job.pk])).status_code == 200
    client.force_login(other_company_admin)
    assert client.get(reverse("imports:job", args=[job.pk])).status_code == 404


def test_a_customer_admin_without_user_management_may_import_e_mails_only(
    client, company, protected
):
    esecure_only = MembershipFactory(company=company).user
    CustomerAdmin.objects.create(protected_account=protected, user=esecure_only)
    client.force_login(esecure_only)
    assert client.get(KIND_URL).status_code == 200
    assert client.get(reverse("imports:kind", args=["standard_users"])).status_code == 403


def test_template_names_the_admins_account(client, protected, anne):
    client.force_login(anne)
    response = client.get(reverse("imports:template", args=[KIND]))
    header, example = response.content.decode("utf-8-sig").strip().splitlines()
    assert header == "Identifiant e-mail;Nom;Numéro de compte"
    assert example.endswith(";950000033")


def test_the_esecure_area_leads_to_the_import(client, protected, anne):
    client.force_login(anne)
    page = client.get(reverse("approvals:sender-list")).content.decode()
    assert reverse("approvals:sender-upload") in page
    response = client.get(reverse("approvals:sender-upload"))
    assert response.status_code == 302 and response["Location"] == KIND_URL
