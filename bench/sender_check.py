#!/usr/bin/env python
"""Bench: the eSecure sender check (POST /api/v1/sender-checks) at a fixed rate, on PostgreSQL.

Builds a bench database (dropped and created again), bulk-loads protected accounts, authorized
senders and domains (COPY), issues an API key to a technical user of the carrier application,
then:

1. in-process, counts the SQL queries of one check per kind of answer (Django's test client);
2. starts gunicorn on 127.0.0.1 with that database and a shared Redis cache, and drives the API
   OPEN-LOOP at a fixed rate: call i is due at t0 + i/rate whatever the earlier answers, and its
   latency runs from that due time (no coordinated omission); the service time, from the moment
   the request is written, is reported too.

Run from the project root:

    .venv/bin/python bench/sender_check.py                       # 200k senders, 300 rps, 20 s
    .venv/bin/python bench/sender_check.py --keep --rate 50,100 --servers sync:2,gthread:2x2
    .venv/bin/python bench/sender_check.py --reuse --mix approved=80,domain=10,rejected=10
    .venv/bin/python bench/sender_check.py --reuse --celery-broker redis://127.0.0.1:6379/14

The database named in --database-url is DROPPED first (unless --reuse), and the Redis database
of --redis-url is flushed: never point either at real data.
"""

import argparse
import asyncio
import gc
import json
import logging
import os
import random
import resource
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from httpload import post_request, throughput_ratio  # noqa: E402  (bench/, beside this file)

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/sesame_bench_esecure"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/13"
CHECK_PATH = "/api/v1/sender-checks"
HEALTH_REQUEST = b"GET /health/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
SENDER_CHECK_RIGHT = ("dhl-shipping", "sender-check")
ADMINS_PER_ACCOUNT = 2
ACCOUNTS_PER_COMPANY = 5
# Standing of the loaded senders: the rest are approved.
REJECTED_SHARE = 0.10
PENDING_SHARE = 0.05
# Kind of call → the answer it must get.
EXPECTED = {
    "approved": "allowed",
    "domain": "allowed",
    "rejected": "denied",
    "new": "pending",
    "pending": "pending",
}
DEFAULT_MIX = "approved=70,domain=15,rejected=10,new=5"
TARGET_NOTE = "(issue 4's target: p99 ≤ 20 ms at 300 rps)"
FLOOR_CALLS = 500  # GET /health/ one at a time, on each server, just before the measured run


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--senders", type=int, default=200_000, help="authorized senders")
    parser.add_argument("--domains", type=int, default=10_000, help="active authorized domains")
    parser.add_argument("--accounts", type=int, default=50, help="protected account numbers")
    parser.add_argument(
        "--rate",
        default="300",
        help="calls per second, fixed; several, comma-separated, are run one after the other",
    )
    parser.add_argument("--duration", type=float, default=20, help="seconds measured")
    parser.add_argument("--warmup", type=float, default=3, help="seconds at --rate, not counted")
    parser.add_argument(
        "--mix", default=DEFAULT_MIX, help="share of each kind: " + ", ".join(EXPECTED)
    )
    parser.add_argument(
        "--pool",
        type=int,
        default=0,
        help="draw known senders from this many only (0: all); a small pool makes most "
        "calls repeats of the day, which skip the usage insert",
    )
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--redis-url", default=DEFAULT_REDIS_URL, help="'' for per-process locmem")
    parser.add_argument(
        "--celery-broker",
        default="",
        help="e.g. redis://127.0.0.1:6379/14: tasks (e-mails) go to a Celery worker started on "
        "this machine instead of running inside the request ('' : eager, the default settings)",
    )
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--worker-class", default="gthread", choices=["sync", "gthread"], help="gunicorn.conf.py's"
    )
    parser.add_argument("--threads", type=int, default=4, help="per gthread worker")
    parser.add_argument(
        "--servers",
        default="",
        help="several gunicorn set-ups run one after the other on the same data, e.g. "
        "'sync:2,sync:4,gthread:2x4' (overrides --workers/--worker-class/--threads)",
    )
    parser.add_argument(
        "--connections", type=int, default=64, help="most client connections at once"
    )
    parser.add_argument(
        "--quiet-wait",
        type=float,
        default=60,
        help="before each measured run, wait up to this many seconds for the machine to be "
        "quiet (under 25 %% busy over 2 s): other jobs on a shared machine skew the figures",
    )
    parser.add_argument(
        "--saturate",
        type=float,
        default=10,
        help="after each measured run, seconds of closed loop on /health/, on the check (the "
        "same mix) and on /health/ again: throughput at saturation and its ratio to the floor "
        "(0: skip)",
    )
    parser.add_argument(
        "--saturate-connections", type=int, default=4, help="clients of the closed loop"
    )
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--keep", action="store_true", help="keep the bench database at the end")
    parser.add_argument("--reuse", action="store_true", help="use the kept database as it is")
    return parser.parse_args()


# --- Environment and database -------------------------------------------------------------


def bench_environment(args: argparse.Namespace) -> dict[str, str]:
    """Production-like settings (DEBUG off) served over plain HTTP on 127.0.0.1."""
    return {
        "DATABASE_URL": args.database_url,
        "REDIS_URL": args.redis_url,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "GUNICORN_ACCESS_LOG": "",  # gunicorn.conf.py's other settings apply; no access log
        "DEBUG": "false",
        "SECRET_KEY": "bench-only-not-secret-" + "x" * 40,
        "SECURE_SSL_REDIRECT": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "SITE_URL": f"http://127.0.0.1:{args.port}",
        "SESAME_TESTING": "false",
        # New senders' links, e-mails and inbox messages are made by a task, the e-mails then
        # handed to a backend that drops them; without CELERY_BROKER_URL the tasks run in the
        # request after its commit (eager), with --celery-broker in a worker the bench starts.
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "CELERY_BROKER_URL": args.celery_broker,
    }


def recreate_database(database_url: str) -> None:
    import psycopg

    with psycopg.connect(_maintenance_url(database_url), autocommit=True) as conn:
        name = _database_name(database_url)
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(database_url: str) -> None:
    import psycopg

    with psycopg.connect(_maintenance_url(database_url), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{_database_name(database_url)}" WITH (FORCE)')


def _database_name(database_url: str) -> str:
    name = urlsplit(database_url).path.lstrip("/")
    if not name.replace("_", "").isalnum() or "bench" not in name:
        raise SystemExit(f"refusing a database name without 'bench' in it: {name!r}")
    return name


def _maintenance_url(database_url: str) -> str:
    parts = urlsplit(database_url)
    return urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))


def flush_redis(redis_url: str) -> None:
    if not redis_url.startswith(("redis://", "rediss://")):
        return
    import redis

    redis.Redis.from_url(redis_url).flushdb()


# --- Data -----------------------------------------------------------------------------------


@dataclass
class Population:
    """What the load generator draws from: (account number, e-mail) pairs by standing, and the
    active domains (account number, domain)."""

    approved: list[tuple[str, str]] = field(default_factory=list)
    rejected: list[tuple[str, str]] = field(default_factory=list)
    pending: list[tuple[str, str]] = field(default_factory=list)
    domains: list[tuple[str, str]] = field(default_factory=list)


def _copy(table: str, columns: list[str], rows) -> int:
    """COPY rows into a table through Django's own psycopg connection."""
    from django.db import connection

    connection.ensure_connection()
    count = 0
    statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    with connection.connection.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


def build_data(
    *, senders: int, domains: int, accounts: int, rng: random.Random
) -> tuple[dict[str, int], Population]:
    """Customer companies with protected accounts (2 admins each), senders and domains spread
    over them, and the carrier's technical user holding the sender-check right."""
    from django.utils import timezone

    from accounts.models import (
        AccountApplication,
        Application,
        Company,
        CustomerAccount,
        Grant,
        Membership,
        MembershipKind,
        Permission,
        User,
    )
    from approvals.models import (
        AccessRequest,
        AuthorizedDomain,
        AuthorizedSender,
        CustomerAdmin,
        Origin,
        ProtectedAccount,
    )

    now = timezone.now()
    today = timezone.localdate()
    dhl = Application.objects.get(code=SENDER_CHECK_RIGHT[0])
    companies = Company.objects.bulk_create(
        [Company(name=f"Bench client {i:03d}") for i in range(-(-accounts // ACCOUNTS_PER_COMPANY))]
    )
    customer_accounts = CustomerAccount.objects.bulk_create(
        [
            CustomerAccount(
                company=companies[i // ACCOUNTS_PER_COMPANY],
                number=f"96{i:07d}",
                name=f"Export {i}",
            )
            for i in range(accounts)
        ]
    )
    AccountApplication.objects.bulk_create(
        [AccountApplication(account=a, application=dhl) for a in customer_accounts]
    )
    protected = ProtectedAccount.objects.bulk_create(
        [
            ProtectedAccount(
                account=a,
                is_active=True,
                starts_on=today - timedelta(days=365),
                show_admin_contacts=i % 2 == 0,
                created_at=now - timedelta(days=365),
            )
            for i, a in enumerate(customer_accounts)
        ]
    )
    admins = User.objects.bulk_create(
        [
            User(
                username=f"bench.admin.{i:03d}.{k}",
                email=f"admin{k}.{i:03d}@client{i:03d}.example",
                password="!",
                first_name="Admin",
                last_name=f"{i:03d}-{k}",
                phone="+32 2 000 00 00",
                language=("fr", "en", "nl", "de")[(i + k) % 4],
            )
            for i in range(accounts)
            for k in range(ADMINS_PER_ACCOUNT)
        ]
    )
    Membership.objects.bulk_create(
        [
            Membership(
                user=u,
                company=customer_accounts[i // ADMINS_PER_ACCOUNT].company,
                can_manage_users=True,
            )
            for i, u in enumerate(admins)
        ],
        ignore_conflicts=True,
    )
    CustomerAdmin.objects.bulk_create(
        [
            CustomerAdmin(protected_account=protected[i // ADMINS_PER_ACCOUNT], user=u)
            for i, u in enumerate(admins)
        ]
    )

    # Senders: "user<i>@mail<j>.example", never on an authorized domain.
    origins = [Origin.SUPPORT, Origin.HISTORY, Origin.MANUAL, Origin.UPLOAD, Origin.REQUEST]
    population = Population()
    sender_rows = []
    for i in range(senders):
        p = protected[i % accounts]
        email = f"user{i:07d}@mail{rng.randrange(5000):04d}.example"
        roll = rng.random()
        if roll < REJECTED_SHARE:
            status = "rejected"
            population.rejected.append((p.account.number, email))
        elif roll < REJECTED_SHARE + PENDING_SHARE:
            status = "pending"
            population.pending.append((p.account.number, email))
        else:
            status = "approved"
            population.approved.append((p.account.number, email))
        created = now - timedelta(minutes=rng.randrange(600_000))
        sender_rows.append(
            (p.pk, email, f"Sender {i}", status, rng.choice(origins), created, created)
        )
    _copy(
        AuthorizedSender._meta.db_table,
        ["protected_account_id", "email", "name", "status", "origin", "created_at", "modified_at"],
        sender_rows,
    )
    # Each pending sender has its open access request.
    number_to_protected = {p.account.number: p.pk for p in protected}
    _copy(
        AccessRequest._meta.db_table,
        ["protected_account_id", "email", "name", "language", "status", "created_at", "expires_at"],
        (
            (number_to_protected[n], e, "", "fr", "pending", now, now + timedelta(days=30))
            for n, e in population.pending
        ),
    )
    # Domains: "corp<j>.example", on account j % accounts.
    domain_rows = []
    for j in range(domains):
        p = protected[j % accounts]
        domain = f"corp{j:06d}.example"
        population.domains.append((p.account.number, domain))
        domain_rows.append((p.pk, domain, "active", "manual", now, now))
    _copy(
        AuthorizedDomain._meta.db_table,
        ["protected_account_id", "domain", "status", "origin", "created_at", "modified_at"],
        domain_rows,
    )

    # The carrier: a technical user holding dhl-shipping / sender-check through its membership.
    carrier = Company.objects.create(name="Bench carrier (DHL)")
    carrier_account = CustomerAccount.objects.create(
        company=carrier, number="969999999", name="Carrier"
    )
    # a right counts only on an account where its application is enabled (one rights engine)
    AccountApplication.objects.create(account=carrier_account, application=dhl)
    technical = User.objects.create(
        username="bench.dhl.shipping.app",
        email="dhl.shipping.app@bench.example",
        password="!",
        first_name="DHL Shipping",
        last_name="(application)",
        language="en",
    )
    membership = Membership.objects.create(
        user=technical, company=carrier, kind=MembershipKind.TECHNICAL
    )
    grant = Grant.objects.create(
        membership=membership,
        grantor_company=carrier,
        permission=Permission.objects.get(application=dhl, code=SENDER_CHECK_RIGHT[1]),
    )
    grant.accounts.add(carrier_account)
    return {
        "protected accounts": len(protected),
        "customer admins": len(admins),
        "senders": len(sender_rows),
        "approved": len(population.approved),
        "rejected": len(population.rejected),
        "pending (with open request)": len(population.pending),
        "active domains": len(domain_rows),
    }, population


def load_population() -> tuple[dict, Population]:
    """The kept database's senders and domains (--reuse)."""
    from approvals.models import AuthorizedDomain, AuthorizedSender, ProtectedAccount

    population = Population()
    for number, email, status in AuthorizedSender.objects.values_list(
        "protected_account__account__number", "email", "status"
    ).order_by("pk"):
        getattr(population, status).append((number, email))
    population.domains = list(
        AuthorizedDomain.objects.filter(status="active")
        .values_list("protected_account__account__number", "domain")
        .order_by("pk")
    )
    sizes = {
        "protected accounts": ProtectedAccount.objects.count(),
        "senders": sum(
            len(x) for x in (population.approved, population.rejected, population.pending)
        ),
        "approved": len(population.approved),
        "rejected": len(population.rejected),
        "pending": len(population.pending),
        "active domains": len(population.domains),
    }
    return sizes, population


def analyze() -> None:
    """VACUUM ANALYZE: fresh statistics and visibility map, as autovacuum would have left a
    database in service (otherwise autovacuum starts on the fresh rows during the run)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")


# --- Calls ----------------------------------------------------------------------------------


def parse_mix(text: str) -> dict[str, float]:
    mix = {}
    for part in text.split(","):
        kind, _, share = part.partition("=")
        if kind.strip() not in EXPECTED:
            raise SystemExit(f"--mix: unknown kind {kind!r}; kinds: {', '.join(EXPECTED)}")
        mix[kind.strip()] = float(share)
    total = sum(mix.values())
    return {k: v / total for k, v in mix.items() if v > 0}


@dataclass(frozen=True)
class Call:
    kind: str
    account_number: str
    email: str
    body: bytes


def draw_calls(
    population: Population, *, mix: dict[str, float], count: int, pool: int, rng: random.Random
) -> list[Call]:
    """`count` calls of the mix. E-mails are sent in mixed case now and then (the check compares
    case-insensitively); each "new" call is a sender never seen (one new request each)."""
    kinds, weights = list(mix), list(mix.values())
    approved = population.approved[:pool] if pool else population.approved
    tag = secrets.token_hex(3)
    calls = []
    for i, kind in enumerate(rng.choices(kinds, weights, k=count)):
        if kind == "approved":
            number, email = rng.choice(approved)
        elif kind == "rejected":
            number, email = rng.choice(population.rejected)
        elif kind == "pending":
            number, email = rng.choice(population.pending)
        elif kind == "domain":
            number, domain = rng.choice(population.domains)
            email = f"staff{rng.randrange(1_000_000):06d}@{domain}"
        else:  # new
            number, _domain = rng.choice(population.domains)
            email = f"new.{tag}.{i:06d}@fresh{rng.randrange(100):02d}.example"
        if rng.random() < 0.2:
            local, _, domain = email.partition("@")
            email = f"{local.title()}@{domain.upper()}"
        payload = {"account_number": number, "email": email, "name": f"Bench {kind} {i}"}
        calls.append(Call(kind, number, email, json.dumps(payload).encode()))
    return calls


def count_queries(key: str, population: Population, rng: random.Random) -> list[tuple]:
    """Queries per call in-process (API-key authentication included), for one call of each
    kind: first of the day for that (account, e-mail), then the same call again."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    headers = {"Authorization": f"Api-Key {key}"}
    picks = draw_calls(
        population,
        mix={"approved": 1},
        count=1,
        pool=0,
        rng=rng,
    )
    # the key's first use writes last_used_at: spend it on a call we do not count
    client.post(CHECK_PATH, picks[0].body, content_type="application/json", headers=headers)
    rows = []
    for kind in ("approved", "domain", "rejected", "new", "pending"):
        if kind == "pending" and not population.pending:
            continue
        call = draw_calls(population, mix={kind: 1}, count=1, pool=0, rng=rng)[0]
        for attempt in ("first of the day", "again"):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.post(
                    CHECK_PATH, call.body, content_type="application/json", headers=headers
                )
                elapsed = (time.perf_counter() - started) * 1000
            decision = response.json().get("decision", response.status_code)
            rows.append((kind, attempt, decision, len(captured), elapsed))
    return rows


def in_process_time(key: str, population: Population, *, batches: int = 5) -> tuple[float, float]:
    """Milliseconds of CPU of an approved check repeated (no write) through Django's test
    client, in this process: the application's own cost without HTTP or gunicorn. The best and
    the median of a few batches of 100 (other jobs on the machine lengthen some)."""
    from django.test import Client

    client = Client()
    number, email = population.approved[0]
    body = json.dumps({"account_number": number, "email": email}).encode()
    headers = {"Authorization": f"Api-Key {key}"}
    for _ in range(20):
        client.post(CHECK_PATH, body, content_type="application/json", headers=headers)
    per_call = []
    for _ in range(batches):
        started = time.process_time()
        for _ in range(100):
            client.post(CHECK_PATH, body, content_type="application/json", headers=headers)
        per_call.append((time.process_time() - started) * 10)
    per_call.sort()
    return per_call[0], per_call[len(per_call) // 2]


# --- Server -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ServerSetup:
    worker_class: str
    workers: int
    threads: int = 1

    @classmethod
    def parse(cls, text: str) -> "ServerSetup":
        """'sync:2' or 'gthread:2x4'."""
        kind, _, size = text.strip().partition(":")
        workers, _, threads = size.partition("x")
        if kind not in ("sync", "gthread") or not workers.isdigit():
            raise SystemExit(f"--servers: expected sync:N or gthread:NxT, got {text!r}")
        return cls(kind, int(workers), int(threads or (4 if kind == "gthread" else 1)))

    def __str__(self) -> str:
        if self.worker_class == "gthread":
            return f"gthread {self.workers}x{self.threads}"
        return f"sync {self.workers}"

    def argv(self) -> list[str]:
        out = ["--workers", str(self.workers), "--worker-class", self.worker_class]
        if self.worker_class == "gthread":
            out += ["--threads", str(self.threads)]
        return out


def start_gunicorn(
    env: dict[str, str], setup: ServerSetup, *, port: int, log: Path
) -> subprocess.Popen:
    gunicorn = ROOT / ".venv" / "bin" / "gunicorn"
    command = [str(gunicorn)] if gunicorn.exists() else [sys.executable, "-m", "gunicorn"]
    process = subprocess.Popen(
        [*command, "portal.wsgi", "-b", f"127.0.0.1:{port}", *setup.argv()],
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=log.open("a"),
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited at start-up; see {log}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=2) as sock:
                sock.sendall(HEALTH_REQUEST)
                if sock.recv(64).startswith(b"HTTP/1.1 200"):
                    return process
        except OSError:
            pass
        time.sleep(0.2)
    stop_process(process)
    raise SystemExit(f"gunicorn did not answer within 30 s; see {log}")


def health_floor(*, port: int, calls: int) -> tuple[list[float], float]:
    """Latency (ms) of GET /health/ (no database, no authentication), one call at a time on a new
    connection each (as the sync workers close them): the server's own floor. And the elapsed s."""
    out = []
    started = time.perf_counter()
    for _ in range(calls):
        began = time.perf_counter()
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            sock.sendall(HEALTH_REQUEST)
            while sock.recv(65536):
                pass
        out.append((time.perf_counter() - began) * 1000)
    return out, time.perf_counter() - started


def start_celery(env: dict[str, str], *, log: Path) -> subprocess.Popen:
    """One Celery worker (one process, like one core's worth) on the bench's broker, at the
    lower priority Procfile.stack and docker-compose give it (`nice -n 10`): on a shared box,
    background e-mails yield the CPU to the requests waiting for an answer."""
    celery = ROOT / ".venv" / "bin" / "celery"
    command = [str(celery)] if celery.exists() else [sys.executable, "-m", "celery"]
    command = ["nice", "-n", "10", *command]
    process = subprocess.Popen(
        [
            *command,
            "-A",
            "portal",
            "worker",
            "-l",
            "warning",
            "--concurrency",
            "1",
            "--pool",
            "solo",
        ],
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=log.open("a"),
        stderr=subprocess.STDOUT,
    )
    time.sleep(3)
    if process.poll() is not None:
        raise SystemExit(f"the Celery worker exited at start-up; see {log}")
    return process


def stop_process(process: subprocess.Popen) -> None:
    """SIGTERM to the gunicorn master or Celery worker we started (by pid): it stops its own
    children; killed if still there after 30 s."""
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def worker_pids(master: int) -> list[int]:
    try:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    except OSError:
        return []
    return [int(pid) for pid in children]


def cpu_seconds(pids: list[int]) -> dict[int, float]:
    """User + system CPU seconds of each live process."""
    out = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        out[pid] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return out


class CpuSampler(threading.Thread):
    """Every half second, the CPU seconds of our processes, by group: gunicorn's workers,
    PostgreSQL's backends serving the bench database (+ Redis), the Celery worker. Sampling
    keeps the CPU of a process that ends during the run (a database connection renewed after
    CONN_MAX_AGE, for instance), except its last half second."""

    def __init__(self, *, gunicorn: int, celery: int | None, database_url: str, redis_url: str):
        super().__init__(daemon=True)
        import psycopg

        self.gunicorn, self.celery = gunicorn, celery
        self.conn = psycopg.connect(_maintenance_url(database_url), autocommit=True)
        self.database = _database_name(database_url)
        self.redis = redis_pid(redis_url)
        self.first: dict[int, float] = {}
        self.last: dict[int, float] = {}
        self.group: dict[int, str] = {}
        self.stopping = threading.Event()
        self.sample(initial=True)

    def pids(self) -> dict[int, str]:
        rows = self.conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid() "
            "AND backend_type = 'client backend'",
            [self.database],
        ).fetchall()
        out = {pid: "database" for (pid,) in rows}
        out.update(dict.fromkeys(self.redis, "database"))
        out.update(dict.fromkeys(worker_pids(self.gunicorn), "gunicorn"))
        if self.celery:
            out.update(dict.fromkeys([self.celery, *worker_pids(self.celery)], "celery"))
        return out

    def sample(self, *, initial: bool = False) -> None:
        groups = self.pids()
        for pid, spent in cpu_seconds(list(groups)).items():
            if pid not in self.first:
                self.first[pid] = spent if initial else 0.0  # a process born during the run
                self.group[pid] = groups[pid]
            self.last[pid] = spent

    def run(self) -> None:
        while not self.stopping.wait(0.5):
            self.sample()

    def stop(self) -> dict[str, float]:
        self.stopping.set()
        self.join()
        self.sample()
        self.conn.close()
        used: dict[str, float] = defaultdict(float)
        for pid, spent in self.last.items():
            used[self.group[pid]] += spent - self.first[pid]
        return used


def redis_pid(redis_url: str) -> list[int]:
    if not redis_url:
        return []
    import redis

    try:
        return [int(redis.Redis.from_url(redis_url).info("server")["process_id"])]
    except Exception:  # another host, no INFO: not counted
        return []


def wait_quiet(limit: float) -> float:
    """Waits (at most `limit` s) until the machine is under 25 % busy over 2 s; the share
    busy when it stopped waiting."""
    deadline = time.monotonic() + limit
    while True:
        busy0, total0 = machine_cpu()
        time.sleep(2)
        busy1, total1 = machine_cpu()
        share = (busy1 - busy0) / max(1, total1 - total0)
        if share < 0.25 or time.monotonic() >= deadline:
            return share


def machine_cpu() -> tuple[float, float]:
    """(busy, total) jiffies of the whole machine."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


# --- Open-loop driver -----------------------------------------------------------------------


@dataclass
class Result:
    kind: str
    status: int  # 0: transport error
    decision: str
    latency: float  # ms from the due time to the last byte of the answer
    service: float  # ms from writing the request to the last byte
    lag: float  # ms the client was late writing it (timer, connection pool)
    done: float  # loop time


async def drive(
    calls: list[Call], *, port: int, rate: float, key: str, max_connections: int
) -> tuple[list[Result], float, float, Counter]:
    """Each call is due at t0 + i/rate; it takes an idle keep-alive connection, or opens one,
    at most `max_connections` at once (waiting for one counts in its latency)."""
    loop = asyncio.get_running_loop()
    head = (
        f"POST {CHECK_PATH} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Authorization: Api-Key {key}\r\nContent-Type: application/json\r\n"
        "Accept: application/json\r\n"
    ).encode()
    idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []
    slots = asyncio.Semaphore(max_connections)
    stats: Counter = Counter()
    results: list[Result] = []

    async def exchange(conn, payload: bytes) -> tuple[int, bytes, bool]:
        reader, writer = conn
        writer.write(payload)
        header = await reader.readuntil(b"\r\n\r\n")
        lines = header.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        length, close = 0, False
        for line in lines[1:]:
            name, _, value = line.partition(":")
            name = name.strip().lower()
            if name == "content-length":
                length = int(value)
            elif name == "connection" and value.strip().lower() == "close":
                close = True
        body = await reader.readexactly(length) if length else b""
        return status, body, close

    async def one(i: int, call: Call, due: float) -> None:
        delay = due - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        async with slots:
            payload = head + f"Content-Length: {len(call.body)}\r\n\r\n".encode() + call.body
            sent = loop.time()
            status, decision = 0, "error"
            for attempt in range(2):
                # a kept-alive connection first; a retry (the server closed it) always fresh
                reused = bool(idle) and attempt == 0
                conn = None
                try:
                    if reused:
                        conn = idle.pop()
                    else:
                        conn = await asyncio.open_connection("127.0.0.1", port)
                        stats["connections opened"] += 1
                    status, body, close = await asyncio.wait_for(exchange(conn, payload), 10)
                except (TimeoutError, OSError, asyncio.IncompleteReadError) as exc:
                    if conn is not None:
                        conn[1].close()
                    if reused and not isinstance(exc, TimeoutError):
                        stats["stale keep-alive retried"] += 1
                        continue
                    stats[f"error {type(exc).__name__}"] += 1
                    status = 0
                    break
                if close:
                    conn[1].close()
                else:
                    idle.append(conn)
                try:
                    decision = json.loads(body).get("decision") or str(status)
                except ValueError:
                    decision = "non-json"
                break
            done = loop.time()
        results.append(
            Result(
                call.kind,
                status,
                decision,
                (done - due) * 1000,
                (done - sent) * 1000,
                (sent - due) * 1000,
                done,
            )
        )

    t0 = loop.time() + 0.1
    tasks = [asyncio.create_task(one(i, call, t0 + i / rate)) for i, call in enumerate(calls)]
    await asyncio.gather(*tasks)
    for _, writer in idle:
        writer.close()
    return results, t0, loop.time(), stats


def run_load(calls: list[Call], *, port: int, rate: float, key: str, connections: int):
    return asyncio.run(drive(calls, port=port, rate=rate, key=key, max_connections=connections))


# --- Report ---------------------------------------------------------------------------------


def percentile(values: list[float], pct: float) -> float:
    """Nearest rank."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, -(-len(ordered) * pct // 100) - 1))
    return ordered[int(index)]


def latency_row(label: str, values: list[float], extra: str = "") -> str:
    return (
        f"{label:<22}{len(values):>7}{percentile(values, 50):>9.2f}{percentile(values, 95):>9.2f}"
        f"{percentile(values, 99):>9.2f}{max(values) if values else float('nan'):>9.2f}  {extra}"
    )


@dataclass
class RunReport:
    setup: ServerSetup
    rate: float
    results: list[Result]
    elapsed: float
    stats: Counter
    server_cpu: float
    client_cpu: float
    database_cpu: float  # PostgreSQL backends of the bench database, and Redis
    celery_cpu: float  # the Celery worker, when there is one
    machine_busy: float  # share of the machine's CPUs busy during the run (0..1)
    busy_before: float  # share busy just before the run (other jobs)
    floor: list[float]  # ms of GET /health/, one at a time, on the same server just before
    floor_cpu: float  # gunicorn workers' CPU seconds during those calls
    saturation: str = ""  # throughput at saturation beside /health/'s (httpload)
    saturation_ratio: float = float("nan")

    def print(self) -> None:
        ok = [r for r in self.results if r.status == 200]
        errors = [r for r in self.results if r.status != 200]
        achieved = len(ok) / self.elapsed if self.elapsed else 0.0
        wrong = [r for r in ok if r.decision != EXPECTED[r.kind]]
        print(f"\n== gunicorn {self.setup} · target {self.rate:g} rps ==")
        print(
            f"calls:    {len(self.results)} in {self.elapsed:.2f} s → achieved {achieved:.1f} rps "
            f"(answers 200 per second, first due time to last answer)"
        )
        statuses = Counter(r.status if r.status else "transport error" for r in self.results)
        print("status:   " + ", ".join(f"{k}: {v}" for k, v in sorted(statuses.items(), key=str)))
        decisions = Counter(r.decision for r in ok)
        print("decision: " + ", ".join(f"{k}: {v}" for k, v in decisions.most_common()))
        print(
            "kinds:    "
            + ", ".join(f"{k}: {v}" for k, v in Counter(r.kind for r in self.results).most_common())
            + (f" · WRONG DECISIONS: {len(wrong)}" if wrong else " · every decision as expected")
        )
        if self.stats:
            print("client:   " + ", ".join(f"{k}: {v}" for k, v in self.stats.items()))
        cores = os.cpu_count() or 1
        ours = self.server_cpu + self.client_cpu + self.database_cpu + self.celery_cpu
        others = max(0.0, self.machine_busy * cores * self.elapsed - ours)
        parts = [
            f"gunicorn workers {self.server_cpu / self.elapsed * 100:.0f} %",
            f"PostgreSQL + Redis {self.database_cpu / self.elapsed * 100:.0f} %",
            f"load generator {self.client_cpu / self.elapsed * 100:.0f} %",
            f"other processes {others / self.elapsed * 100:.0f} %",
        ]
        if self.celery_cpu:
            parts.insert(2, f"Celery worker {self.celery_cpu / self.elapsed * 100:.0f} %")
        print(
            "cpu:      " + ", ".join(parts) + " (% of one core); "
            f"machine {self.machine_busy * 100:.0f} % busy of {cores} cores "
            f"({self.busy_before * 100:.0f} % just before the run)"
        )
        if ok:
            database = self.database_cpu / len(ok) * 1000
            print(
                f"          per answer: gunicorn {self.server_cpu / len(ok) * 1000:.1f} ms CPU, "
                f"PostgreSQL + Redis {database:.1f} ms"
                + (f", Celery {self.celery_cpu / len(ok) * 1000:.1f} ms" if self.celery_cpu else "")
            )
        header = f"{'latency (ms)':<22}{'calls':>7}{'p50':>9}{'p95':>9}{'p99':>9}{'max':>9}"
        print()
        print(header)
        print("-" * (len(header) + 2))
        print(latency_row("all, from due time", [r.latency for r in ok], TARGET_NOTE))
        print(latency_row("all, service time", [r.service for r in ok]))
        print(latency_row("client lag (due→sent)", [r.lag for r in self.results]))
        by_kind = defaultdict(list)
        for r in ok:
            by_kind[r.kind].append(r.latency)
        for kind in EXPECTED:
            if by_kind[kind]:
                print(latency_row(f"  {kind}", by_kind[kind], f"→ {EXPECTED[kind]}"))
        if errors:
            print(latency_row("errors (not 200)", [r.latency for r in errors]))
        print(latency_row("(GET /health/) floor", self.floor, "one at a time, no DB, no auth"))
        if ok:
            floor_p50 = percentile(self.floor, 50)
            floor_cpu = self.floor_cpu / len(self.floor) * 1000
            print(
                "ratio to the floor (GET /health/, same server, same run): "
                f"p50 service time {percentile([r.service for r in ok], 50) / floor_p50:.2f}×, "
                f"p50 from due time {percentile([r.latency for r in ok], 50) / floor_p50:.2f}×; "
                f"gunicorn CPU per answer {self.server_cpu / len(ok) * 1000 / floor_cpu:.2f}× "
                f"({floor_cpu:.2f} ms per /health/)"
            )
        if self.saturation:
            print(self.saturation)

    def summary(self) -> tuple:
        ok = [r.latency for r in self.results if r.status == 200]
        service = [r.service for r in self.results if r.status == 200]
        return (
            str(self.setup),
            self.rate,
            len(ok) / self.elapsed if self.elapsed else 0.0,
            len(self.results) - len(ok),
            percentile(ok, 50),
            percentile(ok, 95),
            percentile(ok, 99),
            max(ok) if ok else float("nan"),
            percentile(service, 50) / percentile(self.floor, 50),
            self.saturation_ratio,
        )


def bench_server(
    setup: ServerSetup,
    *,
    rate: float,
    env: dict[str, str],
    args: argparse.Namespace,
    key: str,
    population: Population,
    mix: dict[str, float],
    rng: random.Random,
    log: Path,
    celery: subprocess.Popen | None,
) -> RunReport:
    server = start_gunicorn(env, setup, port=args.port, log=log)
    try:
        warmup = draw_calls(
            population, mix=mix, count=int(rate * args.warmup), pool=args.pool, rng=rng
        )
        measured = draw_calls(
            population, mix=mix, count=int(rate * args.duration), pool=args.pool, rng=rng
        )
        if warmup:
            run_load(warmup, port=args.port, rate=rate, key=key, connections=args.connections)
        quiet = wait_quiet(args.quiet_wait)
        floor_sampler = CpuSampler(
            gunicorn=server.pid, celery=None, database_url=args.database_url, redis_url=""
        )
        floor_sampler.start()
        floor, _ = health_floor(port=args.port, calls=FLOOR_CALLS)
        floor_cpu = floor_sampler.stop()["gunicorn"]
        sampler = CpuSampler(
            gunicorn=server.pid,
            celery=celery.pid if celery else None,
            database_url=args.database_url,
            redis_url=args.redis_url,
        )
        sampler.start()
        client_before = resource.getrusage(resource.RUSAGE_SELF)
        busy_before, total_before = machine_cpu()
        results, t0, _end, stats = run_load(
            measured, port=args.port, rate=rate, key=key, connections=args.connections
        )
        busy_after, total_after = machine_cpu()
        client_after = resource.getrusage(resource.RUSAGE_SELF)
        used = sampler.stop()
        saturation, saturation_ratio = "", float("nan")
        if args.saturate > 0:
            heavy = draw_calls(
                population, mix=mix, count=int(args.saturate * 2000), pool=args.pool, rng=rng
            )
            headers = {"Authorization": f"Api-Key {key}", "Content-Type": "application/json"}
            payloads = [post_request(CHECK_PATH, headers, call.body) for call in heavy]
            saturation_ratio, saturation = throughput_ratio(
                args.port,
                lambda i: payloads[i % len(payloads)],
                label="sender check (mix)",
                connections=args.saturate_connections,
                seconds=args.saturate,
            )
    finally:
        stop_process(server)
    last = max((r.done for r in results), default=t0)
    return RunReport(
        setup=setup,
        rate=rate,
        results=results,
        elapsed=last - t0,
        stats=stats,
        server_cpu=used["gunicorn"],
        client_cpu=(client_after.ru_utime + client_after.ru_stime)
        - (client_before.ru_utime + client_before.ru_stime),
        database_cpu=used["database"],
        celery_cpu=used["celery"],
        machine_busy=(busy_after - busy_before) / max(1, total_after - total_before),
        busy_before=quiet,
        floor=floor,
        floor_cpu=floor_cpu,
        saturation=saturation,
        saturation_ratio=saturation_ratio,
    )


def main() -> None:
    args = parse_args()
    mix = parse_mix(args.mix)
    setups = (
        [ServerSetup.parse(s) for s in args.servers.split(",") if s.strip()]
        if args.servers
        else [ServerSetup(args.worker_class, args.workers, args.threads)]
    )
    rates = [float(r) for r in str(args.rate).split(",") if r.strip()]
    env = bench_environment(args)
    os.environ.update(env)
    rng = random.Random(args.seed)

    started = time.perf_counter()
    if not args.reuse:
        recreate_database(args.database_url)
    flush_redis(args.redis_url)
    import django

    django.setup()
    for noisy in ("celery", "kombu"):  # the eager e-mail task of the in-process count
        logging.getLogger(noisy).setLevel(logging.ERROR)
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    migrated = time.perf_counter()
    if args.reuse:
        sizes, population = load_population()
    else:
        sizes, population = build_data(
            senders=args.senders, domains=args.domains, accounts=args.accounts, rng=rng
        )
    analyze()
    built = time.perf_counter()
    gc.collect()
    gc.freeze()  # the 200k-row lists: out of the collector's way (in-process timings, client)

    from accounts.models import User
    from accounts.services import api_key_issue

    technical = User.objects.get(username="bench.dhl.shipping.app")
    _, key = api_key_issue(user=technical, actor=technical)
    queries = count_queries(key, population, rng)
    best_ms, median_ms = in_process_time(key, population)

    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        (pg_version,) = cursor.fetchone()
    connection.close()  # the workers open their own

    log = Path(tempfile.gettempdir()) / "sesame-bench-sender-check-gunicorn.log"
    log.write_text("")
    reports = []
    celery = None
    if args.celery_broker:
        flush_redis(args.celery_broker)
        celery = start_celery(env, log=log)
    try:
        for setup, rate in ((s, r) for s in setups for r in rates):
            reports.append(
                bench_server(
                    setup,
                    rate=rate,
                    env=env,
                    args=args,
                    key=key,
                    population=population,
                    mix=mix,
                    rng=rng,
                    log=log,
                    celery=celery,
                )
            )
    finally:
        if celery:
            stop_process(celery)
        if not args.keep:
            drop_database(args.database_url)

    print()
    print("Sésame bench · eSecure sender check through the API (POST /api/v1/sender-checks)")
    print(f"database: {pg_version.split(' on ')[0]} · {urlsplit(args.database_url).path[1:]}")
    print("data:     " + ", ".join(f"{v:,} {k}" for k, v in sizes.items()))
    print(
        f"setup:    {'kept database' if args.reuse else 'migrate'} {migrated - started:.1f} s, "
        f"data {built - migrated:.1f} s (COPY + VACUUM ANALYZE)"
    )
    print(
        f"server:   gunicorn on 127.0.0.1:{args.port}, DEBUG=false, DB_CONN_MAX_AGE "
        f"{os.environ.get('DB_CONN_MAX_AGE', '600 (default)')}, cache "
        f"{'Redis ' + args.redis_url if args.redis_url else 'locmem (per process)'}; "
        "e-mails to the dummy backend; "
        + (
            f"Celery worker (1 process) on {args.celery_broker}: a new sender's links, "
            "e-mails and inbox messages are made and sent by the worker"
            if args.celery_broker
            else "Celery eager (no CELERY_BROKER_URL): a new sender's links, e-mails and inbox "
            "messages are made and 'sent' inside its request, after its commit"
        )
    )
    print(
        f"load:     open loop, {'/'.join(f'{r:g}' for r in rates)} calls/s for "
        f"{args.duration:g} s after "
        f"{args.warmup:g} s of warm-up, at most {args.connections} connections; mix "
        + ", ".join(f"{k} {v * 100:.0f} %" for k, v in mix.items())
        + (f"; known senders drawn from {args.pool:,} only" if args.pool else "")
    )
    load = ", ".join(f"{v:.2f}" for v in os.getloadavg())
    print(f"machine:  {os.cpu_count()} CPUs, load average {load} (1, 5, 15 min) at the end")
    print()
    print(
        "SQL queries per call, in-process (test client, API-key authentication included; "
        "wall time of that one call):"
    )
    for kind, attempt, decision, count, elapsed in queries:
        print(f"  {kind:<9}{attempt:<18}→ {decision:<8}{count:>3} queries  {elapsed:7.1f} ms")
    print(
        f"  CPU of a repeated approved check in-process: {best_ms:.2f} ms best, "
        f"{median_ms:.2f} ms median of 5 × 100 (Django + ninja + 2 queries, no HTTP)"
    )
    for report in reports:
        report.print()
    if len(reports) > 1:
        print()
        header = (
            f"{'server':<16}{'target':>8}{'rps':>8}{'errors':>8}"
            f"{'p50':>9}{'p95':>9}{'p99':>9}{'max':>9}{'svc p50/floor':>15}{'rps/floor':>11}"
        )
        print(header)
        print("-" * len(header))
        for name, rate, rps, errors, p50, p95, p99, worst, ratio, sat in (
            r.summary() for r in reports
        ):
            print(
                f"{name:<16}{rate:>8g}{rps:>8.1f}{errors:>8}"
                f"{p50:>9.2f}{p95:>9.2f}{p99:>9.2f}{worst:>9.2f}{ratio:>14.2f}×{sat:>10.2f}×"
            )
    print(f"\ngunicorn's log: {log}" + ("" if args.keep else "; bench database dropped"))


if __name__ == "__main__":
    main()
