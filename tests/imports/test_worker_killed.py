"""A real Celery worker killed with SIGKILL in the middle of a 1000-row import: run again, the
job loses and doubles nothing (PostgreSQL + Redis only, like the other `worker` tests)."""

import os
import signal
import subprocess
import sys
import time
from unittest import mock

import pytest
from django.conf import settings
from django.db import connection

from accounts.models import Membership, MembershipKind
from imports import engine
from imports.models import ImportJob, JobStatus
from imports.services import import_job_create
from imports.tasks import import_job_run
from notifications.models import OutboundEmail
from tests.imports.conftest import csv_file

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

QUEUE = "sesame-kill-test"  # a queue of its own: no other worker takes this job
ROWS = 1000


def _worker(env) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            *("-m", "celery", "-A", "portal", "worker", "--pool", "solo", "-Q", QUEUE),
            *("--without-heartbeat", "--without-gossip", "--without-mingle", "-l", "warning"),
            *("-n", f"kill-test-{os.getpid()}-{time.monotonic_ns()}@%h"),
        ],
        env=env,
    )


def _wait(predicate, *, seconds: float, step: float = 0.02):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    return None


def test_a_worker_killed_mid_job_loses_and_doubles_nothing(world, tmp_path):
    if not settings.CELERY_BROKER_URL or connection.vendor != "postgresql":
        pytest.skip("needs a Redis broker and PostgreSQL shared with a worker process")
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(tmp_path),
        "IMPORT_CHUNK_SIZE": "20",  # many small chunks: time to kill between two of them
    }
    with mock.patch("imports.services._queue"):  # queued below, on our own queue
        job = import_job_create(
            company=world["company"],
            actor=world["admin"],
            kind="advanced_users",
            file_name="equipe.csv",
            data=csv_file(ROWS),
            dry_run=False,
        )
    first = _worker(env)
    try:
        import_job_run.apply_async(args=[job.pk], queue=QUEUE)

        def midway():
            done = ImportJob.objects.values_list("rows_done", flat=True).get(pk=job.pk)
            return 0 < done < ROWS

        assert _wait(midway, seconds=60), "the worker never got halfway"
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    finally:
        if first.poll() is None:
            first.kill()
    job.refresh_from_db()
    assert job.status != JobStatus.DONE and 0 < job.rows_done < ROWS
    # The periodic rescue finds the job a dead worker left, and it runs again.
    later = job.touched_at + engine.STALE_AFTER * 2
    assert engine.jobs_stale_take(now=later) == [job.pk]
    second = _worker(env)
    try:
        import_job_run.apply_async(args=[job.pk], queue=QUEUE)

        def finished():
            return ImportJob.objects.values_list("status", flat=True).get(pk=job.pk) == "done"

        assert _wait(finished, seconds=120, step=0.2), "the job did not finish after the restart"
    finally:
        second.terminate()
        try:
            second.wait(timeout=20)
        except subprocess.TimeoutExpired:
            second.kill()
    job.refresh_from_db()
    assert (job.rows_done, job.rows_ok, job.rows_error) == (ROWS, ROWS, 0)
    people = Membership.objects.filter(company=world["company"], kind=MembershipKind.ADVANCED)
    emails = list(people.values_list("user__email", flat=True))
    assert len(emails) == ROWS and len(set(emails)) == ROWS  # every row once, none twice
    invitations = OutboundEmail.objects.filter(kind="advanced_invitation")
    recipients = list(invitations.values_list("recipient", flat=True))
    assert len(recipients) == ROWS and set(recipients) == set(emails)  # one e-mail each
