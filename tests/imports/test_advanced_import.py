"""Importing advanced users (SPEC C6, Colissimo guide 5.2): every row category, the ceiling per
row, dry run, exactly once (same file twice, a job interrupted after a chunk), bounded queries,
formula-safe result file, audit."""

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import AuditEvent, Grant, Membership, MembershipStatus, User
from imports import engine
from imports.kinds import kind_get
from imports.models import ImportJob, JobStatus, RowStatus
from imports.results import result_response
from imports.services import import_job_confirm, import_job_create
from notifications.models import OutboundEmail

from .conftest import HEADER, csv_file, perm, person_line

pytestmark = pytest.mark.django_db

KIND = "advanced_users"


def _upload(world, data, capture, *, dry_run=False, execute=True) -> ImportJob:
    with capture(execute=execute):
        job = import_job_create(
            company=world["company"],
            actor=world["admin"],
            kind=KIND,
            file_name="utilisateurs.csv",
            data=data,
            dry_run=dry_run,
        )
    job.refresh_from_db()
    return job


def _outcomes(job):
    return [(r.status, r.message) for r in job.rows.order_by("line")]


def test_valid_rows_are_invited_once_each_with_rights_under_the_ceiling(
    world, django_capture_on_commit_callbacks, mailoutbox
):
    job = _upload(world, csv_file(3), django_capture_on_commit_callbacks)
    assert job.status == JobStatus.DONE
    assert (job.rows_done, job.rows_ok, job.rows_error) == (3, 3, 0)
    assert [s for s, _m in _outcomes(job)] == [RowStatus.CREATE] * 3
    memberships = Membership.objects.filter(company=world["company"], kind="advanced")
    assert memberships.count() == 3
    assert set(memberships.values_list("status", flat=True)) == {MembershipStatus.INVITED}
    # « oui » without an accounts column: every account where the admin holds the right.
    grant = Grant.objects.get(
        membership=memberships[0], permission=perm("colissimo-web-services", "ws-franking")
    )
    assert sorted(a.number for a in grant.accounts.all()) == ["820011", "820012"]
    assert sorted(m.to[0] for m in mailoutbox) == [f"claire.{i}@example.com" for i in (1, 2, 3)]
    assert User.objects.get(email="claire.1@example.com").has_usable_password() is False


def test_rights_the_admin_does_not_hold_are_refused_naming_the_right(
    world, django_capture_on_commit_callbacks
):
    header = HEADER + ";Consultation des conditions tarifaires;Comptes clients"
    data = "\n".join(
        [
            header,
            person_line(1) + ";oui;",  # tariffs: the admin holds it nowhere
            person_line(2) + ";non;820013",  # franking on 820013: not held there
            person_line(3) + ";non;820011",
        ]
    ).encode()
    job = _upload(world, data, django_capture_on_commit_callbacks)
    (s1, m1), (s2, m2), (s3, _m3) = _outcomes(job)
    assert s1 == s2 == RowStatus.REFUSED and s3 == RowStatus.CREATE
    assert "Consultation des conditions tarifaires" in m1
    assert "WS Affranchissement" in m2 and "820013" in m2
    tariffs = perm("colissimo-tariffs", "consult")
    assert (
        not Grant.objects.filter(permission=tariffs, membership__company=world["company"])
        .exclude(membership__user=world["admin"])
        .exists()
    )
    assert not User.objects.filter(
        email__in=["claire.1@example.com", "claire.2@example.com"]
    ).exists()


def test_invalid_choice_names_the_column_and_invalid_data_names_the_field(
    world, django_capture_on_commit_callbacks
):
    data = "\n".join(
        [
            HEADER,
            person_line(1, franking="peut-être"),
            person_line(2, email="pas-une-adresse"),
            person_line(3, last_name=""),
            person_line(4),
        ]
    ).encode()
    job = _upload(world, data, django_capture_on_commit_callbacks)
    outcomes = _outcomes(job)
    assert outcomes[0][0] == RowStatus.REFUSED and "« WS Affranchissement »" in outcomes[0][1]
    assert "Choix invalide" in outcomes[0][1]
    assert outcomes[1][0] == RowStatus.REFUSED and "E-mail" in outcomes[1][1]
    assert outcomes[2][0] == RowStatus.REFUSED and "Nom" in outcomes[2][1]
    assert outcomes[3][0] == RowStatus.CREATE  # one bad row never stops the others
    assert (job.rows_ok, job.rows_error) == (1, 3)


def test_same_file_twice_creates_nobody_twice(
    world, django_capture_on_commit_callbacks, mailoutbox
):
    _upload(world, csv_file(5), django_capture_on_commit_callbacks)
    again = _upload(world, csv_file(5), django_capture_on_commit_callbacks)
    assert [s for s, _m in _outcomes(again)] == [RowStatus.EXISTS] * 5
    assert "Existe déjà" in _outcomes(again)[0][1]
    assert (
        User.objects.filter(email__endswith="@example.com", memberships__kind="advanced").count()
        == 5
    )
    assert len(mailoutbox) == 5


def test_an_email_twice_in_the_file_is_created_once(world, django_capture_on_commit_callbacks):
    data = "\n".join([HEADER, person_line(1), person_line(1, last_name="Autre")]).encode()
    job = _upload(world, data, django_capture_on_commit_callbacks)
    assert _outcomes(job)[1][0] == RowStatus.REFUSED and "ligne 2" in _outcomes(job)[1][1]
    assert User.objects.filter(email="claire.1@example.com").count() == 1


def test_an_address_with_an_account_elsewhere_is_refused(world, django_capture_on_commit_callbacks):
    from tests.factories import UserFactory

    UserFactory(email="claire.1@example.com")
    job = _upload(world, csv_file(1), django_capture_on_commit_callbacks)
    assert _outcomes(job)[0][0] == RowStatus.REFUSED
    assert "clé utilisateur" in _outcomes(job)[0][1]


def test_dry_run_changes_nothing_then_one_click_runs_it(
    world, django_capture_on_commit_callbacks, mailoutbox
):
    job = _upload(world, csv_file(3), django_capture_on_commit_callbacks, dry_run=True)
    assert job.status == JobStatus.PREVIEWED
    assert [s for s, _m in _outcomes(job)] == [RowStatus.CREATE] * 3
    assert not User.objects.filter(email__startswith="claire.").exists()
    assert mailoutbox == [] and not OutboundEmail.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        import_job_confirm(job=job, actor=world["admin"])
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.rows_ok == 3
    assert User.objects.filter(email__startswith="claire.").count() == 3
    assert len(mailoutbox) == 3


class WorkerKilled(BaseException):
    """Stands for SIGKILL: nothing of the running chunk's transaction survives."""


def test_a_job_interrupted_after_a_chunk_goes_on_without_doubling(
    world, django_capture_on_commit_callbacks, monkeypatch
):
    job = _upload(world, csv_file(5), django_capture_on_commit_callbacks, execute=False)
    assert job.status == JobStatus.QUEUED
    monkeypatch.setattr(django_settings, "IMPORT_CHUNK_SIZE", 2)
    spec = kind_get(KIND)
    real = spec.process
    calls = {"n": 0}

    def dies_on_second_chunk(**kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            real(**kwargs)  # the effects are written, then the worker dies before commit
            raise WorkerKilled
        return real(**kwargs)

    monkeypatch.setattr(spec, "process", dies_on_second_chunk)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(WorkerKilled):
        engine.job_process(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING and job.rows_done == 2
    assert User.objects.filter(email__startswith="claire.").count() == 2
    with django_capture_on_commit_callbacks(execute=True):
        engine.job_process(job_id=job.pk)  # delivered again
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and (job.rows_done, job.rows_ok) == (5, 5)
    emails = sorted(
        User.objects.filter(email__startswith="claire.").values_list("email", flat=True)
    )
    assert emails == [f"claire.{i}@example.com" for i in range(1, 6)]
    assert OutboundEmail.objects.filter(recipient__startswith="claire.").count() == 5


def test_one_job_at_a_time_per_admin_and_kind(world, django_capture_on_commit_callbacks):
    _upload(world, csv_file(2), django_capture_on_commit_callbacks, execute=False)
    with pytest.raises(ValidationError, match="déjà en cours"):
        _upload(world, csv_file(2), django_capture_on_commit_callbacks, execute=False)


def test_a_new_upload_replaces_the_last_result(world, django_capture_on_commit_callbacks):
    first = _upload(world, csv_file(2), django_capture_on_commit_callbacks)
    assert first.result_available()
    _upload(world, csv_file(2, start=10), django_capture_on_commit_callbacks)
    first.refresh_from_db()
    assert not first.result_available() and not first.rows.exists()


def test_result_file_repeats_every_row_and_formulas_come_back_inert(
    world, django_capture_on_commit_callbacks
):
    data = "\n".join(
        [
            HEADER,
            person_line(1, last_name='=HYPERLINK("http://evil.example","x")'),
            person_line(2, franking="peut-être"),
        ]
    ).encode()
    job = _upload(world, data, django_capture_on_commit_callbacks)
    text = result_response(job, failed_only=False).content.decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert lines[0].endswith("Résultat du traitement;Message du traitement")
    assert lines[1].startswith("\"'=HYPERLINK(") and "OK" in lines[1]
    assert len(lines) == 3
    failed = result_response(job, failed_only=True).content.decode("utf-8-sig").strip().splitlines()
    assert len(failed) == 2 and "claire.2@example.com" in failed[1]


def test_audit_has_one_row_per_job_and_one_per_person(world, django_capture_on_commit_callbacks):
    _upload(world, csv_file(3), django_capture_on_commit_callbacks)
    finished = AuditEvent.objects.get(kind="import.finished")
    assert finished.after["file_name"] == "utilisateurs.csv" and finished.after["rows"] == 3
    people = AuditEvent.objects.filter(kind="import.person_created")
    assert people.count() == 3
    assert {e.actor_id for e in people} == {world["admin"].pk}


def _queries(world, n, capture, start):
    job = _upload(world, csv_file(n, start=start), capture, execute=False)
    with CaptureQueriesContext(connection) as ctx:
        engine.job_process(job_id=job.pk)
    job.refresh_from_db()
    assert job.rows_ok == n
    return len(ctx.captured_queries)


def test_queries_of_a_1000_row_job_are_bounded_and_of_the_order_of_100_rows(
    world, django_capture_on_commit_callbacks
):
    hundred = _queries(world, 100, django_capture_on_commit_callbacks, start=1)
    thousand = _queries(world, 1000, django_capture_on_commit_callbacks, start=1000)
    assert thousand <= 5 * hundred, (hundred, thousand)
    assert thousand < 200, (hundred, thousand)
