"""Importing standard users (bpost user fields): file shapes, every row category, the ceiling per
row (user-management and application rights), a link to choose a password (never a password),
exactly once, bounded queries, audit, and the pages."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import AuditEvent, Grant, Membership, MembershipKind, User
from imports import engine
from imports.models import ImportJob, JobStatus, RowStatus
from imports.services import import_job_confirm, import_job_create
from notifications.models import OutboundEmail
from tests.factories import MembershipFactory, UserFactory

from .conftest import perm

pytestmark = pytest.mark.django_db

KIND = "standard_users"
KIND_URL = reverse("imports:kind", args=[KIND])
HEADER = (
    "Nom d'utilisateur;Civilité;Prénom;Nom;E-mail;Langue;Fonction;Téléphone;Adresse;"
    "Code postal;Ville;Gérer les utilisateurs;Gérer les administrateurs;"
    "Récupération du mot de passe;Accès FTP;WS Affranchissement"
)


def line(i: int, *, username="", civility="Mme", language="nl", manage="non", admins="non",
         recover="oui", ftp="non", franking="oui", **over) -> str:  # fmt: skip
    cells = {
        "first_name": "Anna",
        "last_name": f"Peeters{i}",
        "email": f"anna.{i}@example.be",
        **over,
    }
    return ";".join(
        [username, civility, cells["first_name"], cells["last_name"], cells["email"], language,
         "Boekhouding", "+32 2 123 45 67", "Wetstraat 16", "1000", "Brussel",
         manage, admins, recover, ftp, franking]
    )  # fmt: skip


def csv_file(n: int, *, start: int = 1, **over) -> bytes:
    lines = [HEADER, *(line(i, **over) for i in range(start, start + n))]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def _upload(world, data, capture, *, dry_run=False, execute=True, actor=None) -> ImportJob:
    with capture(execute=execute):
        job = import_job_create(
            company=world["company"],
            actor=actor or world["admin"],
            kind=KIND,
            file_name="utilisateurs.csv",
            data=data,
            dry_run=dry_run,
        )
    job.refresh_from_db()
    return job


def _outcomes(job):
    return [(r.status, r.message) for r in job.rows.order_by("line")]


def test_people_are_created_with_their_details_and_rights_and_get_a_password_link(
    world, django_capture_on_commit_callbacks, mailoutbox
):
    job = _upload(world, csv_file(2), django_capture_on_commit_callbacks)
    assert job.status == JobStatus.DONE and (job.rows_ok, job.rows_error) == (2, 0)
    user = User.objects.get(email="anna.1@example.be")
    assert (user.username, user.civility, user.language, user.city) == (
        "anna.1",
        "mrs",
        "nl",
        "Brussel",
    )
    assert user.is_active and not user.has_usable_password()
    membership = Membership.objects.get(user=user, company=world["company"])
    assert membership.kind == MembershipKind.EMPLOYEE and membership.is_active
    assert membership.can_recover_password and not membership.can_manage_users
    grant = Grant.objects.get(
        membership=membership, permission=perm("colissimo-web-services", "ws-franking")
    )
    assert sorted(a.number for a in grant.accounts.all()) == ["820011", "820012"]
    assert sorted(m.to[0] for m in mailoutbox) == ["anna.1@example.be", "anna.2@example.be"]
    body = mailoutbox[0].body
    assert "/accounts/recovery/" in body and "anna." in body
    assert "mot de passe provisoire" not in body.lower()


def test_the_password_link_lets_the_person_choose_a_password(
    world, client, django_capture_on_commit_callbacks, mailoutbox
):
    _upload(world, csv_file(1, language="fr"), django_capture_on_commit_callbacks)
    link = next(w for w in mailoutbox[0].body.split() if "/accounts/recovery/" in w)
    response = client.get(link, follow=True)
    assert response.status_code == 200
    response = client.post(
        response.redirect_chain[-1][0],
        {
            "new_password1": "Un-mot-de-passe-long-2026",
            "new_password2": "Un-mot-de-passe-long-2026",
        },
    )
    assert response.status_code == 302
    assert User.objects.get(email="anna.1@example.be").check_password("Un-mot-de-passe-long-2026")


def test_a_username_given_in_the_file_is_kept_and_a_taken_one_refused(
    world, django_capture_on_commit_callbacks
):
    UserFactory(username="deja.pris")
    UserFactory(username="anna.3")
    data = "\n".join(
        [HEADER, line(1, username="Anna.Choisi"), line(2, username="deja.pris"), line(3)]
    ).encode()
    job = _upload(world, data, django_capture_on_commit_callbacks)
    (s1, _m1), (s2, m2), (s3, _m3) = _outcomes(job)
    assert s1 == s3 == RowStatus.CREATE and s2 == RowStatus.REFUSED
    assert "Nom d'utilisateur" in m2 and "deja.pris" in m2
    assert User.objects.get(email="anna.1@example.be").username == "anna.choisi"
    derived = User.objects.get(email="anna.3@example.be").username
    assert derived.startswith("anna.3.") and derived != "anna.3"


def test_invalid_choices_name_their_column_and_invalid_data_its_field(
    world, django_capture_on_commit_callbacks
):
    data = "\n".join(
        [
            HEADER,
            line(1, civility="Docteur"),
            line(2, language="it"),
            line(3, franking="peut-être"),
            line(4, email="pas-une-adresse"),
            line(5, first_name=""),
            line(6),
        ]
    ).encode()
    job = _upload(world, data, django_capture_on_commit_callbacks)
    outcomes = _outcomes(job)
    assert "« Civilité »" in outcomes[0][1] and "Choix invalide" in outcomes[0][1]
    assert "« Langue »" in outcomes[1][1]
    assert "« WS Affranchissement »" in outcomes[2][1]
    assert "E-mail" in outcomes[3][1] and "Prénom" in outcomes[4][1]
    assert [s for s, _m in outcomes] == [RowStatus.REFUSED] * 5 + [RowStatus.CREATE]


def test_management_rights_beyond_the_admins_own_are_refused_per_row(
    world, django_capture_on_commit_callbacks
):
    data = "\n".join(
        [HEADER, line(1, ftp="oui"), line(2, manage="oui", admins="oui"), line(3)]
    ).encode()
    job = _upload(world, data, django_capture_on_commit_callbacks)
    (s1, m1), (s2, _m2), (s3, _m3) = _outcomes(job)
    assert s1 == RowStatus.REFUSED and "accès FTP" in m1  # the admin has no FTP access
    assert s2 == s3 == RowStatus.CREATE
    assert Membership.objects.get(user__email="anna.2@example.be").can_manage_admins
    assert not User.objects.filter(email="anna.1@example.be").exists()


def test_an_admin_of_users_only_cannot_make_administrators(
    world, django_capture_on_commit_callbacks
):
    users_admin = MembershipFactory(company=world["company"], can_manage_users=True).user
    data = "\n".join([HEADER, line(1, manage="oui", recover="non", franking="non")]).encode()
    job = _upload(world, data, django_capture_on_commit_callbacks, actor=users_admin)
    (status, message), = _outcomes(job)  # fmt: skip
    assert status == RowStatus.REFUSED and "administrateurs" in message
    assert not User.objects.filter(email="anna.1@example.be").exists()


def test_application_rights_are_given_only_under_the_ceiling(
    world, django_capture_on_commit_callbacks
):
    header = HEADER + ";Consultation des conditions tarifaires;Comptes clients"
    data = "\n".join(
        [header, line(1) + ";oui;", line(2) + ";non;820013", line(3) + ";non;820011 820012"]
    ).encode()
    job = _upload(world, data, django_capture_on_commit_callbacks)
    (s1, m1), (s2, m2), (s3, _m3) = _outcomes(job)
    assert s1 == s2 == RowStatus.REFUSED and s3 == RowStatus.CREATE
    assert "Consultation des conditions tarifaires" in m1
    assert "820013" in m2
    assert (
        not Grant.objects.filter(permission=perm("colissimo-tariffs", "consult"))
        .exclude(membership__user=world["admin"])
        .exists()
    )


def test_an_address_already_linked_exists_and_one_used_elsewhere_is_refused(
    world, django_capture_on_commit_callbacks
):
    MembershipFactory(company=world["company"], user__email="anna.1@example.be")
    UserFactory(email="anna.2@example.be")
    job = _upload(world, csv_file(3), django_capture_on_commit_callbacks)
    (s1, m1), (s2, m2), (s3, _m3) = _outcomes(job)
    assert s1 == RowStatus.EXISTS and "Existe déjà" in m1
    assert s2 == RowStatus.REFUSED and "autre compte" in m2
    assert s3 == RowStatus.CREATE


def test_same_file_twice_creates_nobody_twice_and_emails_once_each(
    world, django_capture_on_commit_callbacks, mailoutbox
):
    _upload(world, csv_file(4), django_capture_on_commit_callbacks)
    again = _upload(world, csv_file(4), django_capture_on_commit_callbacks)
    assert [s for s, _m in _outcomes(again)] == [RowStatus.EXISTS] * 4
    assert User.objects.filter(email__endswith="@example.be").count() == 4
    assert len(mailoutbox) == 4


def test_dry_run_changes_nothing_then_one_click_runs_it(
    world, django_capture_on_commit_callbacks, mailoutbox
):
    job = _upload(world, csv_file(2), django_capture_on_commit_callbacks, dry_run=True)
    assert job.status == JobStatus.PREVIEWED
    assert [s for s, _m in _outcomes(job)] == [RowStatus.CREATE] * 2
    assert "anna.1" in _outcomes(job)[0][1]
    assert not User.objects.filter(email__endswith="@example.be").exists()
    assert not OutboundEmail.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        import_job_confirm(job=job, actor=world["admin"])
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.rows_ok == 2 and len(mailoutbox) == 2


def test_file_shapes_windows_1252_and_comma_with_quotes_are_read(
    world, django_capture_on_commit_callbacks
):
    data = (HEADER + "\r\n" + line(1, first_name="Zoé", last_name="Lefèvre")).encode("cp1252")
    _upload(world, data, django_capture_on_commit_callbacks)
    assert User.objects.get(email="anna.1@example.be").first_name == "Zoé"
    comma = (
        b'E-mail,First name,Last name,Language,Function\r\n'
        b'"bob@example.be","Bob","Janssens, Jr",EN,"Sales; North"\r\n\r\n'
    )  # fmt: skip
    _upload(world, comma, django_capture_on_commit_callbacks)
    bob = User.objects.get(email="bob@example.be")
    assert (bob.last_name, bob.language, bob.function) == ("Janssens, Jr", "en", "Sales; North")


def test_audit_has_one_row_per_person_created(world, django_capture_on_commit_callbacks):
    _upload(world, csv_file(3), django_capture_on_commit_callbacks)
    people = AuditEvent.objects.filter(kind="import.person_created")
    assert people.count() == 3
    assert {e.after["email"] for e in people} == {f"anna.{i}@example.be" for i in (1, 2, 3)}
    assert all(e.after["can_recover_password"] is True for e in people)
    assert AuditEvent.objects.get(kind="import.finished").after["rows"] == 3


def _queries(world, n, capture, start):
    job = _upload(world, csv_file(n, start=start), capture, execute=False)
    with CaptureQueriesContext(connection) as ctx:
        engine.job_process(job_id=job.pk)
    job.refresh_from_db()
    assert job.rows_ok == n
    return len(ctx.captured_queries)


def test_queries_of_a_1000_row_job_are_bounded(world, django_capture_on_commit_callbacks):
    hundred = _queries(world, 100, django_capture_on_commit_callbacks, start=1)
    thousand = _queries(world, 1000, django_capture_on_commit_callbacks, start=1000)
    assert thousand <= 5 * hundred, (hundred, thousand)
    assert thousand < 200, (hundred, thousand)


# --- Pages ----------------------------------------------------------------------------------


def test_pages_answer_anonymous_other_company_missing_right_and_allowed(
    client, world, user, other_company_admin, django_capture_on_commit_callbacks
):
    template_url = reverse("imports:template", args=[KIND])
    assert client.get(KIND_URL).status_code == 302
    client.force_login(user)
    assert client.get(KIND_URL).status_code == 403
    assert client.get(template_url).status_code == 403
    client.force_login(world["admin"])
    assert client.get(KIND_URL).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            KIND_URL, {"file": SimpleUploadedFile("u.csv", csv_file(1), content_type="text/csv")}
        )
    job = ImportJob.objects.get()
    assert response["Location"] == reverse("imports:job", args=[job.pk])
    assert client.get(reverse("imports:job-result", args=[job.pk])).status_code == 200
    client.force_login(other_company_admin)
    assert client.get(reverse("imports:job", args=[job.pk])).status_code == 404


def test_template_has_the_management_and_application_rights_this_admin_may_give(client, world):
    client.force_login(world["admin"])
    response = client.get(reverse("imports:template", args=[KIND]))
    header, example = response.content.decode("utf-8-sig").strip().splitlines()
    assert header.startswith("Nom d'utilisateur;Civilité;Prénom;Nom;E-mail;Langue")
    assert "Gérer les administrateurs" in header and "Récupération du mot de passe" in header
    assert "Accès FTP" not in header  # the admin has no FTP access
    assert "WS Affranchissement" in header and "conditions tarifaires" not in header
    assert "marie.dupont@example.com" in example


def test_the_template_uploaded_as_it_is_is_accepted(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world["admin"])
    template = client.get(reverse("imports:template", args=[KIND])).content
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            KIND_URL,
            {"file": SimpleUploadedFile("m.csv", template, "text/csv"), "dry_run": "on"},
        )
    job = ImportJob.objects.get()
    assert job.status == JobStatus.PREVIEWED and job.rows_ok == 1, _outcomes(job)
