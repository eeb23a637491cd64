"""Periodic upkeep of imports: jobs left busy by a dead worker are queued again and go on where
they stopped; rows of files past their 7 days are forgotten."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.conf import settings as django_settings
from django.utils import timezone

from accounts.models import User
from imports import engine
from imports.kinds import kind_get
from imports.models import ImportJob, ImportRow, JobStatus
from imports.services import import_job_create
from imports.tasks import import_jobs_requeue_stale, import_rows_purge
from notifications.models import OutboundEmail

from .conftest import csv_file

pytestmark = pytest.mark.django_db


def _upload(world, n, capture, *, dry_run=False, execute=True, start=1) -> ImportJob:
    with capture(execute=execute):
        job = import_job_create(
            company=world["company"],
            actor=world["admin"],
            kind="advanced_users",
            file_name="utilisateurs.csv",
            data=csv_file(n, start=start),
            dry_run=dry_run,
        )
    job.refresh_from_db()
    return job


class WorkerKilled(BaseException):
    """Stands for SIGKILL in the middle of a chunk."""


def _killed_after_one_chunk(world, capture, monkeypatch) -> ImportJob:
    job = _upload(world, 5, capture, execute=False)
    monkeypatch.setattr(django_settings, "IMPORT_CHUNK_SIZE", 2)
    spec = kind_get("advanced_users")
    real = spec.process
    calls = {"n": 0}

    def dies_on_second_chunk(**kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise WorkerKilled
        return real(**kwargs)

    monkeypatch.setattr(spec, "process", dies_on_second_chunk)
    with capture(execute=True), pytest.raises(WorkerKilled):
        engine.job_process(job_id=job.pk)
    monkeypatch.setattr(spec, "process", real)
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING and job.rows_done == 2
    return job


def test_a_job_left_running_by_a_dead_worker_is_queued_again_and_finishes_once(
    world, django_capture_on_commit_callbacks, monkeypatch
):
    job = _killed_after_one_chunk(world, django_capture_on_commit_callbacks, monkeypatch)
    assert import_jobs_requeue_stale() == 0  # just touched: its worker may still be alive
    later = timezone.now() + engine.STALE_AFTER + timedelta(minutes=1)
    with (
        time_machine.travel(later, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert import_jobs_requeue_stale() == 1
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and (job.rows_done, job.rows_ok) == (5, 5)
    emails = User.objects.filter(email__startswith="claire.").values_list("email", flat=True)
    assert sorted(emails) == [f"claire.{i}@example.com" for i in range(1, 6)]
    assert OutboundEmail.objects.filter(recipient__startswith="claire.").count() == 5


def test_a_queued_job_whose_task_was_lost_is_queued_again(
    world, django_capture_on_commit_callbacks
):
    job = _upload(world, 2, django_capture_on_commit_callbacks, execute=False)  # never delivered
    later = timezone.now() + engine.STALE_AFTER + timedelta(minutes=1)
    with time_machine.travel(later, tick=False):
        assert import_jobs_requeue_stale() == 1
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.rows_ok == 2


def test_finished_jobs_are_never_queued_again(world, django_capture_on_commit_callbacks):
    _upload(world, 2, django_capture_on_commit_callbacks)
    with time_machine.travel(timezone.now() + timedelta(hours=2), tick=False):
        assert import_jobs_requeue_stale() == 0


def test_rows_past_their_7_days_are_purged_and_the_job_kept(
    world, django_capture_on_commit_callbacks
):
    old = _upload(world, 3, django_capture_on_commit_callbacks)
    with time_machine.travel(timezone.now() + timedelta(days=6), tick=False):
        assert import_rows_purge() == 0
    later = timezone.now() + timedelta(days=7, minutes=1)
    with time_machine.travel(later, tick=False):
        assert import_rows_purge() == 3
    old.refresh_from_db()
    assert old.status == JobStatus.DONE and old.rows_ok == 3
    assert not old.result_available(now=later)
    assert not ImportRow.objects.filter(job=old).exists()


def test_a_dry_run_never_run_is_abandoned_after_7_days(world, django_capture_on_commit_callbacks):
    job = _upload(world, 2, django_capture_on_commit_callbacks, dry_run=True)
    assert job.status == JobStatus.PREVIEWED
    with time_machine.travel(timezone.now() + timedelta(days=8), tick=False):
        assert import_rows_purge() == 2
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED and not job.rows.exists()


def test_beat_runs_both_upkeep_tasks():
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"imports.tasks.import_jobs_requeue_stale", "imports.tasks.import_rows_purge"} <= tasks
