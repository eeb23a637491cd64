#!/usr/bin/env python
"""Bench: importing 1000 advanced users, from upload to downloadable result, on PostgreSQL with
gunicorn and a real Celery worker (Redis broker), production-like settings.

Builds a bench database (dropped and created again) with one company, three customer accounts
with the Colissimo applications and an administrator holding every right, collects the static
files, starts gunicorn and a `celery worker`, signs in over HTTP, then:

1. a warm-up import of 10 rows (the servers' first requests load code and templates);
2. the measured import: POST of a 1000-row file to /imports/advanced_users/ (real run, no dry
   run), polling of the progress panel as the page does (every --poll seconds), then GET of
   the result file; the elapsed time is from the POST to the last byte of the result file;
3. `GET /health/` on the same server (no database): the floor, and the ratio.

Run from the project root:

    .venv/bin/python bench/imports.py
    .venv/bin/python bench/imports.py --rows 1000 --profile   # + cProfile of the job in-process

The database named in --database-url is DROPPED first: never point it at real data.
"""

import argparse
import cProfile
import http.client
import io
import os
import pstats
import re
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

from rights_check import (  # noqa: E402  (same folder)
    ROOT,
    free_port,
    health_floor,
    percentile,
    recreate_database,
    start_gunicorn,
)

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/sesame_bench_imports"
DEFAULT_BROKER_URL = "redis://127.0.0.1:6379/15"
PASSWORD = "Bench-imports-2026!"  # noqa: S105  (a throw-away bench database)
COLISSIMO = [
    "coliship",
    "colissimo-web-services",
    "colissimo-tracking",
    "colissimo-invoices",
    "colissimo-tariffs",
]
KIND = "advanced_users"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--broker-url", default=DEFAULT_BROKER_URL)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--concurrency", type=int, default=2, help="celery worker processes")
    parser.add_argument("--poll", type=float, default=0.25, help="progress polling, seconds")
    parser.add_argument("--profile", action="store_true", help="also profile a job in-process")
    return parser.parse_args()


def bench_environment(args, *, queue: str, mail_dir: str) -> dict[str, str]:
    """Production-like settings (DEBUG off, Redis broker and cache) over plain HTTP."""
    return {
        "DATABASE_URL": args.database_url,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DEBUG": "false",
        "SECRET_KEY": "bench-only-not-secret",
        "SECURE_SSL_REDIRECT": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "SESAME_TESTING": "false",
        "LOG_LEVEL": "WARNING",
        "CELERY_BROKER_URL": args.broker_url,
        "CELERY_TASK_DEFAULT_QUEUE": queue,  # this run's own queue: no other worker takes it
        "REDIS_URL": args.broker_url,
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": mail_dir,
    }


# --- Data -----------------------------------------------------------------------------------


def build_data() -> dict:
    """One company, three accounts with the Colissimo applications, an administrator who
    holds every Colissimo right on every account."""
    from accounts.models import (
        AccountApplication,
        Application,
        Company,
        CustomerAccount,
        Grant,
        Membership,
        Permission,
        User,
    )

    company = Company.objects.create(name="Maison Verdier (bench)")
    accounts = CustomerAccount.objects.bulk_create(
        [CustomerAccount(company=company, number=f"82001{i}") for i in range(1, 4)]
    )
    apps = list(Application.objects.filter(code__in=COLISSIMO))
    AccountApplication.objects.bulk_create(
        [AccountApplication(account=a, application=app) for a in accounts for app in apps]
    )
    admin = User(username="bench.admin", email="bench.admin@bench.example", last_name="Admin")
    admin.set_password(PASSWORD)
    admin.save()
    membership = Membership.objects.create(
        user=admin, company=company, can_manage_users=True, can_manage_admins=True
    )
    grants = Grant.objects.bulk_create(
        [
            Grant(membership=membership, grantor_company=company, permission=p)
            for p in Permission.objects.filter(application__in=apps, is_active=True)
        ]
    )
    through = Grant.accounts.through
    through.objects.bulk_create(
        [through(grant_id=g.pk, customeraccount_id=a.pk) for g in grants for a in accounts]
    )
    return {"company": company, "admin": admin, "rights": len(grants)}


def csv_file(*, company, admin, rows: int, start: int) -> bytes:
    """The kind's own template, filled with `rows` people, as Excel writes it (cp1252, `;`)."""
    from imports.kinds import kind_get

    header, example = kind_get(KIND).template(company=company, actor=admin)
    lines = [";".join(header)]
    for i in range(start, start + rows):
        cells = list(example)
        cells[0], cells[1], cells[3] = f"Lefèvre{i}", "Inès", f"ines.{i}@bench.example"
        for j in range(len(header) - len(cells)):
            cells.append("oui" if (i + j) % 3 == 0 else "non")
        lines.append(";".join(cells))
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


# --- Processes ------------------------------------------------------------------------------


def start_worker(env: dict[str, str], *, concurrency: int, log: Path) -> subprocess.Popen:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "portal",
            "worker",
            "-l",
            "info",
            "-Q",
            env["CELERY_TASK_DEFAULT_QUEUE"],
            "--concurrency",
            str(concurrency),
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"celery worker exited at start-up (see {log})")
        if " ready." in log.read_text(errors="replace"):
            return process
        time.sleep(0.2)
    process.terminate()
    raise SystemExit("celery worker not ready within 60 s")


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()


# --- An HTTP client with a cookie jar -----------------------------------------------------


class Browser:
    def __init__(self, port: int):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body=None, headers=None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        data = response.read()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key] = rest.split(";", 1)[0]
        return response, data

    def csrf(self, path: str) -> str:
        response, page = self.request("GET", path)
        if response.status != 200:
            raise SystemExit(f"GET {path}: {response.status}")
        found = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if not found:
            raise SystemExit(f"no CSRF token on {path}")
        return found.group(1).decode()

    def sign_in(self, username: str, password: str) -> None:
        token = self.csrf("/accounts/login/")
        form = {"login": username, "password": password, "csrfmiddlewaretoken": token}
        response, _ = self.request(
            "POST",
            "/accounts/login/",
            urlencode(form),
            {"Content-Type": "application/x-www-form-urlencoded"},
        )
        if response.status != 302:
            raise SystemExit(f"sign-in refused: {response.status}")

    def upload(self, path: str, token: str, name: str, data: bytes) -> str:
        boundary = uuid.uuid4().hex
        body = io.BytesIO()
        body.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"'
            f"\r\n\r\n{token}\r\n".encode()
        )
        body.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"'
            f"\r\nContent-Type: text/csv\r\n\r\n".encode()
        )
        body.write(data + f"\r\n--{boundary}--\r\n".encode())
        response, page = self.request(
            "POST",
            path,
            body.getvalue(),
            {"Content-Type": f"multipart/form-data; boundary={boundary}"},
        )
        if response.status != 302:
            raise SystemExit(f"upload refused ({response.status}): {page[:500]!r}")
        return response.getheader("Location")


def run_import(browser: Browser, data: bytes, *, poll: float) -> dict:
    """Upload (real run) → progress polled like the page → result file; the elapsed time."""
    kind_path = f"/imports/{KIND}/"
    token = browser.csrf(kind_path)
    started = time.perf_counter()
    job_path = browser.upload(kind_path, token, "utilisateurs.csv", data)
    job_id = int(job_path.rstrip("/").split("/")[-1])
    polls = 0
    while True:
        response, _ = browser.request(
            "GET", f"/imports/jobs/{job_id}/progress/", headers={"HX-Request": "true"}
        )
        polls += 1
        if response.getheader("HX-Refresh") == "true":
            break
        time.sleep(poll)
    response, result = browser.request("GET", f"/imports/jobs/{job_id}/result.csv")
    elapsed = time.perf_counter() - started
    if response.status != 200:
        raise SystemExit(f"result file: {response.status}")
    return {
        "job_id": job_id,
        "elapsed": elapsed,
        "polls": polls,
        "result_lines": result.decode("utf-8-sig").strip().count("\n"),
    }


def job_figures(job_id: int) -> dict:
    from imports.models import ImportJob
    from notifications.models import OutboundEmail

    job = ImportJob.objects.get(pk=job_id)
    return {
        "job": job,
        "queued_s": (job.started_at - job.created_at).total_seconds(),
        "worker_s": (job.finished_at - job.started_at).total_seconds(),
        "emails": OutboundEmail.objects.filter(recipient__endswith="@bench.example").count(),
    }


def profile_in_process(*, company, admin, rows: int) -> None:
    """The same job run in this process, without the broker: where the worker's time goes."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from imports import engine
    from imports.services import import_job_create

    job = import_job_create(
        company=company,
        actor=admin,
        kind=KIND,
        file_name="profil.csv",
        data=csv_file(company=company, admin=admin, rows=rows, start=500_000),
        dry_run=False,
    )
    profiler = cProfile.Profile()
    with CaptureQueriesContext(connection) as queries:
        profiler.enable()
        started = time.perf_counter()
        engine.job_process(job_id=job.pk)
        elapsed = time.perf_counter() - started
        profiler.disable()
    sql = sum(float(q["time"]) for q in queries.captured_queries)
    print()
    print(
        f"profile: job {job.pk} in-process in {elapsed:.2f} s, "
        f"{len(queries.captured_queries)} queries ({sql:.2f} s in the database)"
    )
    stats = pstats.Stats(profiler, stream=sys.stdout)
    stats.sort_stats("cumulative").print_stats(r"(imports|accounts|notifications|common)/", 25)
    stats.sort_stats("tottime").print_stats(20)


def main() -> None:
    args = parse_args()
    queue = f"sesame-bench-imports-{os.getpid()}"
    mail_dir = tempfile.mkdtemp(prefix="sesame-bench-mail-")
    env = bench_environment(args, queue=queue, mail_dir=mail_dir)
    os.environ.update(env)

    started = time.perf_counter()
    recreate_database(args.database_url)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    data = build_data()
    company, admin = data["company"], data["admin"]
    warmup_file = csv_file(company=company, admin=admin, rows=10, start=0)
    measured_file = csv_file(company=company, admin=admin, rows=args.rows, start=1000)
    connection.close()  # the servers open their own
    prepared = time.perf_counter()

    tmp = Path(tempfile.gettempdir())
    port = free_port()
    server = start_gunicorn(
        env, port=port, workers=args.workers, log=tmp / "sesame-bench-imports-gunicorn.log"
    )
    worker = None
    try:
        worker = start_worker(
            env, concurrency=args.concurrency, log=tmp / "sesame-bench-imports-worker.log"
        )
        browser = Browser(port)
        browser.sign_in("bench.admin", PASSWORD)
        warm = run_import(browser, warmup_file, poll=args.poll)
        run = run_import(browser, measured_file, poll=args.poll)
        floor = health_floor(port=port, calls=200)
    finally:
        if worker is not None:
            stop(worker)
        stop(server)

    figures = job_figures(run["job_id"])
    job = figures["job"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        (pg_version,) = cursor.fetchone()
    health_p50 = percentile(floor, 50)
    print()
    print("Sésame bench · import of advanced users, from upload to downloadable result")
    print(f"database: {pg_version.split(' on ')[0]} · {urlsplit(args.database_url).path[1:]}")
    print(
        f"servers:  gunicorn {args.workers} sync workers on 127.0.0.1:{port}; celery worker "
        f"--concurrency {args.concurrency}, broker {args.broker_url} (queue {queue}); "
        "DEBUG=false"
    )
    print(f"setup:    {prepared - started:.1f} s (database, migrate, collectstatic, data)")
    load = ", ".join(f"{v:.2f}" for v in os.getloadavg())
    print(f"machine:  {os.cpu_count()} CPUs, load average {load} (1, 5, 15 min) at the end")
    print()
    print(f"warm-up:  {warm['result_lines']} rows in {warm['elapsed']:.2f} s")
    print(
        f"import:   {job.total_rows} rows ({job.rows_ok} created, {job.rows_exists} already "
        f"there, {job.rows_error} refused); result file of {run['result_lines']} rows"
    )
    print(
        f"elapsed:  {run['elapsed']:.2f} s from the POST of the file to the result file "
        f"downloaded ({run['polls']} progress polls every {args.poll} s)"
    )
    print(
        f"          of which queued {figures['queued_s']:.2f} s, worker {figures['worker_s']:.2f} s"
        f" (job {job.pk}); {figures['emails']} invitation e-mails in the outbox"
    )
    print(
        f"floor:    GET /health/ p50 {health_p50:.2f} ms, p95 {percentile(floor, 95):.2f} ms "
        f"(200 calls, same server)"
    )
    print(f"ratio:    import / health p50 = {run['elapsed'] * 1000 / health_p50:,.0f}")
    target = "met" if run["elapsed"] <= 5 else "NOT met"
    print(f"target:   ≤ 5 s for 1000 rows: {target}")
    if args.profile:
        profile_in_process(company=company, admin=admin, rows=args.rows)


if __name__ == "__main__":
    main()
