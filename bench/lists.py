#!/usr/bin/env python
"""Bench: the big lists of the portal, on PostgreSQL with gunicorn and production settings.

Builds a bench database (dropped and created again) and loads it with COPY: one company whose
eSecure customer admin sees 200,000 authorized senders (one protected account) plus 2,000 on a
second account, 10,000 standard users and 1,000,000 audit events; another company with 20,000
senders and 100,000 events that must never show. Then, against gunicorn (sync workers,
DEBUG=false), signed in over HTTP as that administrator:

1. each page variant of the three lists (filters, sorts, next page, last page and the page
   before it, followed from the page's own links) is called --calls times, one at a time, and
   its latency is printed (p50/p95/max, ms, client side on loopback, so an upper bound of the
   server time), with its SQL queries counted in-process (Django's test client) and the ratio
   of its p50 to the p50 of `GET /health/` (no database) measured on the same server in the
   same run: the floor;
2. CSV downloads of about 20,000 and 200,000 rows (senders, audit log) go to a second gunicorn
   with ONE worker, whose peak memory (VmHWM, reset before each download through
   /proc/<pid>/clear_refs) is printed against its memory before the download.

Run from the project root:

    .venv/bin/python bench/lists.py
    .venv/bin/python bench/lists.py --senders 20000 --users 2000 --events 100000 --calls 5
    .venv/bin/python bench/lists.py --reuse --keep      # the data of a kept database

The database named in --database-url is DROPPED first (its name must contain "bench"): never
point it at real data. Self-contained on purpose (the other bench scripts change under other
work): it borrows nothing from them but their conventions.
"""

import argparse
import html
import http.client
import json
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/sesame_lists_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/9"
PASSWORD = "Bench-lists-2026!"  # noqa: S105  (a throw-away bench database)
ADMIN = "bench.lists.admin"
TARGET_MS = 100.0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--senders", type=int, default=200_000, help="on the main account")
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--calls", type=int, default=15, help="calls per page variant")
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--redis-url", default=DEFAULT_REDIS_URL, help="cache; '' for locmem")
    parser.add_argument("--port", type=int, default=8400, help="the pages' gunicorn")
    parser.add_argument("--csv-port", type=int, default=8401, help="the downloads' gunicorn")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument(
        "--csv-timeout",
        type=int,
        default=600,
        help="gunicorn --timeout of the downloads' worker (a sync worker is killed after it, "
        "even while it streams)",
    )
    parser.add_argument("--only", default="", help="senders,users,audit,csv (default: all)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--reuse", action="store_true", help="keep an existing bench database")
    parser.add_argument("--keep", action="store_true", help="do not drop the database at the end")
    return parser.parse_args()


# --- Environment and database -------------------------------------------------------------


def bench_environment(args: argparse.Namespace) -> dict[str, str]:
    """Production-like settings (DEBUG off) served over plain HTTP on 127.0.0.1."""
    return {
        "DATABASE_URL": args.database_url,
        "REDIS_URL": args.redis_url,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DEBUG": "false",
        "SECRET_KEY": "bench-only-not-secret-" + "x" * 40,
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "SITE_URL": f"http://127.0.0.1:{args.port}",
        "SESAME_TESTING": "false",
        "LOG_LEVEL": "WARNING",
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
    }


def _database_name(database_url: str) -> str:
    name = urlsplit(database_url).path.lstrip("/")
    if not name.replace("_", "").isalnum() or "bench" not in name:
        raise SystemExit(f"refusing a database name without 'bench' in it: {name!r}")
    return name


def _maintenance(database_url: str):
    import psycopg

    parts = urlsplit(database_url)
    url = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    return psycopg.connect(url, autocommit=True)


def recreate_database(database_url: str) -> None:
    name = _database_name(database_url)
    with _maintenance(database_url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(database_url: str) -> None:
    name = _database_name(database_url)
    with _maintenance(database_url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def flush_redis(redis_url: str) -> None:
    if redis_url.startswith(("redis://", "rediss://")):
        import redis

        redis.Redis.from_url(redis_url).flushdb()


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


def vacuum_analyze() -> None:
    """Statistics and visibility map as autovacuum would have left a database in service."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")


# --- Data -----------------------------------------------------------------------------------

FIRST_NAMES = ["Inès", "Lucas", "Emma", "Noah", "Léa", "Hugo", "Chloé", "Louis", "Zoé", "Jules"]
LAST_NAMES = ["Martin", "Bernard", "Dubois", "Lefèvre", "Moreau", "Peeters", "Janssens", "Maes"]
EVENT_KINDS = [
    ("user.signed_in", 40),
    ("rights.changed", 20),
    ("user.changed", 10),
    ("esecure.sender_approved", 10),
    ("user.created", 5),
    ("user.password_changed", 5),
    ("api_key.issued", 2),
    ("user.deactivated", 3),
    ("user.sign_in_failed", 5),
]


def build_data(*, senders: int, users: int, events: int, rng: random.Random) -> dict[str, int]:
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from accounts.models import (
        AccountApplication,
        Application,
        AuditEvent,
        AuditKind,
        Company,
        CustomerAccount,
        Membership,
        MembershipStatus,
        User,
    )
    from approvals.models import AuthorizedSender, CustomerAdmin, ProtectedAccount

    now = timezone.now()
    today = timezone.localdate()
    kinds = [k for k, _w in EVENT_KINDS if k in AuditKind.values] or [AuditKind.values[0]]
    weights = [w for k, w in EVENT_KINDS if k in kinds] or [1]
    dhl = Application.objects.filter(code="dhl-shipping").first()

    company = Company.objects.create(name="Bench Listes SA")
    other = Company.objects.create(name="Bench Autre SA")
    numbers = {"main": "970000001", "second": "970000002", "other": "970000009"}
    accounts = {
        key: CustomerAccount.objects.create(
            company=other if key == "other" else company, number=number, name=f"Compte {key}"
        )
        for key, number in numbers.items()
    }
    if dhl:
        AccountApplication.objects.bulk_create(
            [AccountApplication(account=a, application=dhl) for a in accounts.values()]
        )
    protected = {
        key: ProtectedAccount.objects.create(
            account=account, is_active=True, starts_on=today - timedelta(days=400)
        )
        for key, account in accounts.items()
    }
    admin = User.objects.create(
        username=ADMIN,
        email="admin@bench-listes.example",
        password=make_password(PASSWORD),
        first_name="Admin",
        last_name="Listes",
    )
    Membership.objects.create(
        user=admin, company=company, can_manage_users=True, can_manage_admins=True
    )
    for key in ("main", "second"):
        CustomerAdmin.objects.create(protected_account=protected[key], user=admin)
    other_admin = User.objects.create(username="bench.other.admin", password="!")
    Membership.objects.create(user=other_admin, company=other, can_manage_users=True)
    CustomerAdmin.objects.create(protected_account=protected["other"], user=other_admin)

    # Standard users, their memberships (5 % deactivated, half created by the admin).
    people = User.objects.bulk_create(
        [
            User(
                username=f"bench{i:05d}",
                email=f"{FIRST_NAMES[i % 10].lower()}.{i:05d}@bench-listes.example",
                password="!",
                first_name=FIRST_NAMES[rng.randrange(10)],
                last_name=f"{LAST_NAMES[rng.randrange(8)]}{rng.randrange(1000):03d}",
            )
            for i in range(users)
        ],
        batch_size=2000,
    )
    Membership.objects.bulk_create(
        [
            Membership(
                user=person,
                company=company,
                created_by=admin if i % 2 == 0 else None,
                status=MembershipStatus.DEACTIVATED if i % 20 == 7 else MembershipStatus.ACTIVE,
            )
            for i, person in enumerate(people)
        ],
        batch_size=2000,
    )

    # Senders: "user<i>@mail<j>.example"; 85 % approved, 10 % rejected, 5 % pending.
    origins = ["support", "history", "manual", "upload", "request"]

    def sender_rows():
        plan = [("main", senders), ("second", max(1, senders // 100)), ("other", senders // 10)]
        i = 0
        for key, count in plan:
            for _ in range(count):
                roll = rng.random()
                status = "rejected" if roll < 0.10 else "pending" if roll < 0.15 else "approved"
                origin = rng.choice(origins)
                modified = now - timedelta(minutes=rng.randrange(600_000))
                yield (
                    protected[key].pk,
                    f"user{i:07d}@mail{rng.randrange(5000):04d}.example",
                    f"Expéditeur {i}",
                    status,
                    origin,
                    admin.pk if origin == "manual" and key != "other" else None,
                    modified,
                    modified,
                )
                i += 1

    sender_count = _copy(
        AuthorizedSender._meta.db_table,
        [
            "protected_account_id",
            "email",
            "name",
            "status",
            "origin",
            "assigned_by_id",
            "created_at",
            "modified_at",
        ],
        sender_rows(),
    )

    # Audit events: `events` for the company (about 1,000 a day, newest first), a tenth as
    # many for the other company.
    actor_ids = [admin.pk] + [p.pk for p in people[:200]]
    actor_names = {admin.pk: ADMIN} | {p.pk: p.username for p in people[:200]}
    seconds = 86.4  # 1,000 events a day

    def event_rows():
        for company_id, count in ((company.pk, events), (other.pk, events // 10)):
            picked = rng.choices(kinds, weights, k=count)
            for i in range(count):
                actor = actor_ids[0] if i % 3 == 0 else rng.choice(actor_ids)
                changed = i % 3 == 1
                yield (
                    actor,
                    actor_names[actor],
                    company_id,
                    picked[i],
                    "user",
                    str(rng.randrange(1, 10_000)),
                    f"bench{rng.randrange(10_000):05d}",
                    json.dumps({"is_active": True}) if changed else None,
                    json.dumps({"is_active": False}) if changed else None,
                    f"10.0.{i % 250}.{i % 199}",
                    now - timedelta(seconds=i * seconds + rng.random() * seconds),
                )

    event_count = _copy(
        AuditEvent._meta.db_table,
        [
            "actor_id",
            "actor_repr",
            "company_id",
            "kind",
            "target_type",
            "target_id",
            "target_repr",
            "before",
            "after",
            "ip_address",
            "created_at",
        ],
        event_rows(),
    )
    return {
        "senders (main account)": senders,
        "senders in scope": senders + max(1, senders // 100),
        "senders in all": sender_count,
        "users": users,
        "audit events (company)": events,
        "audit events in all": event_count,
    }


def data_sizes() -> dict[str, int]:
    from accounts.models import AuditEvent, Company, Membership
    from approvals.models import AuthorizedSender

    company = Company.objects.get(name="Bench Listes SA")
    return {
        "senders in scope": AuthorizedSender.objects.filter(
            protected_account__account__company=company
        ).count(),
        "users": Membership.objects.filter(company=company).count() - 1,
        "audit events (company)": AuditEvent.objects.filter(company=company).count(),
    }


# --- Servers --------------------------------------------------------------------------------


def start_gunicorn(env: dict[str, str], *, port: int, workers: int, log: Path, timeout: int = 120):
    """gunicorn (sync workers) in the background, on a port of ours; waits for /health/."""
    with socket.socket() as sock:  # refuse a busy port rather than measure someone else's
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            raise SystemExit(f"port {port} is busy: choose another (--port, --csv-port)") from None
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "portal.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--timeout",
            str(timeout),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=log.open("a"),
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited at start-up (see {log})")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/health/")
            if conn.getresponse().status == 200 and len(worker_pids(process.pid)) >= workers:
                return process
        except OSError:
            pass
        time.sleep(0.2)
    process.terminate()
    raise SystemExit("gunicorn did not answer within 60 s")


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()


def worker_pids(master: int) -> list[int]:
    try:
        text = Path(f"/proc/{master}/task/{master}/children").read_text()
    except OSError:
        return []
    return [int(pid) for pid in text.split()]


def memory_kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


class Browser:
    """One keep-alive connection with a cookie jar."""

    def __init__(self, port: int):
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body=None, headers=None, *, sink=None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
        except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
        if sink is None:
            data = response.read()
        else:
            data = b""
            while chunk := response.read(65536):
                sink(chunk)
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key] = rest.split(";", 1)[0]
        if response.getheader("Connection", "").lower() == "close":
            self.conn.close()
        return response, data

    def sign_in(self, username: str, password: str) -> None:
        response, page = self.request("GET", "/accounts/login/")
        found = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if response.status != 200 or not found:
            raise SystemExit(f"sign-in page: {response.status}")
        form = {"login": username, "password": password, "csrfmiddlewaretoken": found.group(1)}
        response, _ = self.request(
            "POST",
            "/accounts/login/",
            urlencode(form),
            {"Content-Type": "application/x-www-form-urlencoded"},
        )
        if response.status != 302:
            raise SystemExit(f"sign-in refused: {response.status}")


def health_floor(port: int, calls: int = 300) -> list[float]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    out = []
    for _ in range(calls):
        started = time.perf_counter()
        conn.request("GET", "/health/")
        response = conn.getresponse()
        response.read()
        out.append((time.perf_counter() - started) * 1000)
        if response.getheader("Connection", "").lower() == "close":
            conn.close()
    conn.close()
    return out


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


# --- Page variants --------------------------------------------------------------------------


def link(page: bytes, which: str) -> str | None:
    """The href of the page's pagination link: rel="next", rel="prev", or the "Dernière" one."""
    text = page.decode()
    if which in ("next", "prev"):
        found = re.search(rf'rel="{which}" href="([^"]+)"', text) or re.search(
            rf'href="([^"]+)"[^>]*rel="{which}"', text
        )
    else:
        found = re.search(r'href="([^"]+)"[^>]*>\s*Dernière\s*<', text)
    return html.unescape(found.group(1)) if found else None


def absolute(base: str, href: str) -> str:
    return base + href if href.startswith("?") else href


def result_count(page: bytes) -> str:
    """What the page says about the number of results (the toolbar or the pagination)."""
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.decode()))
    found = re.search(
        r"((?:environ )?[\d\u202f\u00a0 ,.]+ (?:enregistrements? trouvés?|résultats?))", text
    ) or re.search(r"(Résultats [\d\u202f\u00a0 ]+ à [\d\u202f\u00a0 ]+ sur [^.]*?\d)\b", text)
    return found.group(1).strip().replace("\u202f", " ").replace("\u00a0", " ") if found else "?"


def variants(lists: set[str], ids: dict) -> list[tuple[str, str, str, str | None]]:
    """(list, label, path, follow) — `follow` names links to follow from `path` first."""
    out = []
    if "senders" in lists:
        base = "/esecure/"
        rare = "user0123"  # user0123xxx: 1,000 of the 200k
        out += [
            ("senders", "first page (sort e-mail)", base, None),
            ("senders", "next page", base, "next"),
            ("senders", "last page", base, "last"),
            ("senders", "page before the last", base, "last,prev"),
            ("senders", "account = main", f"{base}?account={ids['main']}", None),
            ("senders", "account = main, last page", f"{base}?account={ids['main']}", "last"),
            ("senders", "status = pending", f"{base}?status=pending", None),
            ("senders", "status = pending, last", f"{base}?status=pending", "last"),
            ("senders", "origin = upload", f"{base}?origin=upload", None),
            ("senders", f"e-mail contains {rare}", f"{base}?email={rare}", None),
            ("senders", "e-mail contains mail12", f"{base}?email=mail12", None),
            ("senders", "e-mail contains (no match)", f"{base}?email=nobody.here", None),
            ("senders", "sort -e-mail", f"{base}?sort=-email", None),
            ("senders", "sort account", f"{base}?sort=account", None),
            ("senders", "sort -account, last page", f"{base}?sort=-account", "last"),
            ("senders", "sort origin", f"{base}?sort=origin", None),
            ("senders", "sort status, next page", f"{base}?sort=status", "next"),
            ("senders", "sort -modified", f"{base}?sort=-modified", None),
            ("senders", "sort -modified, last page", f"{base}?sort=-modified", "last"),
            (
                "senders",
                "status = approved, sort -modified",
                f"{base}?status=approved&sort=-modified",
                None,
            ),
        ]
    if "users" in lists:
        base = "/users/"
        out += [
            ("users", "first page (sort username)", base, None),
            ("users", "next page", base, "next"),
            ("users", "last page", base, "last"),
            ("users", "page before the last", base, "last,prev"),
            ("users", "search 'martin'", f"{base}?q=martin", None),
            ("users", "search 'bench0123'", f"{base}?q=bench0123", None),
            ("users", "with deactivated", f"{base}?deactivated=on", None),
            ("users", "sort name", f"{base}?sort=name", None),
            ("users", "sort -email, last page", f"{base}?sort=-email", "last"),
            ("users", "sort created_by", f"{base}?sort=created_by", None),
            ("users", "sort -created_by, next page", f"{base}?sort=-created_by", "next"),
        ]
    if "audit" in lists:
        base = "/audit/"
        month = f"date_from={ids['month_from']}&date_to={ids['month_to']}"
        out += [
            ("audit", "first page", base, None),
            ("audit", "next page", base, "next"),
            ("audit", "last page", base, "last"),
            ("audit", "page before the last", base, "last,prev"),
            ("audit", "kind = user.signed_in", f"{base}?kind=user.signed_in", None),
            ("audit", "kind = api_key.issued, last", f"{base}?kind=api_key.issued", "last"),
            ("audit", "kind prefix 'rights'", f"{base}?kind=rights", None),
            ("audit", "actor contains 'bench0001'", f"{base}?actor=bench0001", None),
            ("audit", "actor contains (no match)", f"{base}?actor=nobody.here", None),
            ("audit", "one month (date range)", f"{base}?{month}", None),
            ("audit", "one month, last page", f"{base}?{month}", "last"),
            ("audit", "date_to a year ago", f"{base}?date_to={ids['year_ago']}", None),
        ]
    return out


def resolve(browser: Browser, path: str, follow: str | None) -> str | None:
    """The variant's URL: `path`, then its links followed one after the other."""
    base = path.split("?", 1)[0]
    for which in (follow or "").split(","):
        if not which:
            continue
        response, page = browser.request("GET", path)
        if response.status != 200:
            raise SystemExit(f"GET {path}: {response.status}")
        href = link(page, which)
        if href is None:
            return None
        path = absolute(base, href)
    return path


def count_queries(client, path: str) -> tuple[int, float]:
    """SQL queries of one GET in-process (test client), and their total time (ms)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"in-process GET {path}: {response.status_code}")
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
    return len(captured.captured_queries), sum(
        float(q["time"]) for q in captured.captured_queries
    ) * 1000


def measure_pages(browser: Browser, client, lists: set[str], ids: dict, calls: int) -> list[dict]:
    rows = []
    for name, label, path, follow in variants(lists, ids):
        url = resolve(browser, path, follow)
        if url is None:
            rows.append({"list": name, "label": label, "url": "", "missing": follow})
            continue
        response, page = browser.request("GET", url)  # warm-up (not counted)
        if response.status != 200:
            raise SystemExit(f"GET {url}: {response.status}")
        timings = []
        for _ in range(calls):
            started = time.perf_counter()
            response, page = browser.request("GET", url)
            timings.append((time.perf_counter() - started) * 1000)
        queries, sql_ms = count_queries(client, url)
        rows.append(
            {
                "list": name,
                "label": label,
                "url": url,
                "timings": timings,
                "queries": queries,
                "sql_ms": sql_ms,
                "count": result_count(page),
                "rows": page.count(b"<tr") - 1,
            }
        )
        print(
            f"  {name:<8}{label:<38}p50 {percentile(timings, 50):8.1f} ms  {queries:>3} queries",
            flush=True,
        )
    return rows


# --- CSV downloads --------------------------------------------------------------------------


def download(browser: Browser, pid: int, path: str) -> dict:
    """One download, read in 64 KiB chunks; the worker's RSS before and its peak during it."""
    rss_before = memory_kib(pid, "VmRSS")
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")  # resets VmHWM to the current RSS
        reset = True
    except OSError:
        reset = False
    peak = [rss_before]
    done = threading.Event()

    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], memory_kib(pid, "VmRSS"))
            time.sleep(0.01)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    size = [0, 0]  # bytes, lines
    first: list[float] = []
    started = time.perf_counter()

    def sink(chunk: bytes):
        if not first:
            first.append(time.perf_counter())
        size[0] += len(chunk)
        size[1] += chunk.count(b"\n")

    response, _ = browser.request("GET", path, sink=sink)
    elapsed = time.perf_counter() - started
    done.set()
    sampler.join()
    hwm = memory_kib(pid, "VmHWM") if reset else 0
    if response.status != 200:
        raise SystemExit(f"GET {path}: {response.status}")
    return {
        "rows": size[1] - 1,
        "bytes": size[0],
        "seconds": elapsed,
        "first_byte_ms": ((first[0] if first else started) - started) * 1000,
        "rss_before": rss_before,
        "peak": max(peak[0], hwm),
        "streamed": response.getheader("Content-Length") is None,
    }


def csv_downloads(browser: Browser, master: int, ids: dict) -> list[dict]:
    """Each download once, after a warm-up download of each list (the smaller one); the only
    worker's memory around each."""
    (pid,) = worker_pids(master)
    downloads = [
        ("senders", "status = rejected (~10 %)", "/esecure/?status=rejected&format=csv"),
        ("senders", "all in scope", "/esecure/?format=csv"),
        ("audit", "20 days", f"/audit/?date_from={ids['days20_from']}&format=csv"),
        ("audit", "200 days", f"/audit/?date_from={ids['days200_from']}&format=csv"),
    ]
    # Warm-up, not measured: the worker's first download allocates its buffers and caches.
    browser.request("GET", downloads[0][2])
    browser.request("GET", downloads[2][2])
    rows = []
    for name, label, path in downloads:
        rows.append({"list": name, "label": label, **download(browser, pid, path)})
    return rows


# --- Report ---------------------------------------------------------------------------------


def print_pages(rows: list[dict], floor: list[float]) -> None:
    floor_p50 = percentile(floor, 50)
    header = (
        f"{'list':<9}{'page variant':<38}{'p50 ms':>8}{'p95 ms':>8}{'max ms':>8}"
        f"{'×floor':>8}{'queries':>8}{'sql ms':>8}  result count shown"
    )
    print(header)
    print("-" * (len(header) + 12))
    worst = 0.0
    for row in rows:
        if not row.get("timings"):
            print(f"{row['list']:<9}{row['label']:<38}  (no '{row['missing']}' link on the page)")
            continue
        t = row["timings"]
        worst = max(worst, percentile(t, 95))
        print(
            f"{row['list']:<9}{row['label']:<38}{percentile(t, 50):>8.1f}{percentile(t, 95):>8.1f}"
            f"{max(t):>8.1f}{percentile(t, 50) / floor_p50:>7.0f}×{row['queries']:>8}"
            f"{row['sql_ms']:>8.1f}  {row['count']}"
        )
    print(
        f"{'(floor)':<9}{'GET /health/, no database':<38}{floor_p50:>8.2f}"
        f"{percentile(floor, 95):>8.2f}{max(floor):>8.2f}{1:>7}×{0:>8}"
    )
    verdict = "met" if worst <= TARGET_MS else "NOT met"
    print(
        f"target:   p95 ≤ {TARGET_MS:.0f} ms on every variant: {verdict} (worst p95 {worst:.1f} ms)"
    )


def print_csv(rows: list[dict]) -> None:
    header = (
        f"{'list':<9}{'download':<28}{'rows':>9}{'MB':>8}{'s':>7}{'1st byte ms':>12}"
        f"{'RSS before MiB':>16}{'peak MiB':>10}{'growth MiB':>12}  streamed"
    )
    print(header)
    print("-" * len(header))
    for r in rows:
        print(
            f"{r['list']:<9}{r['label']:<28}{r['rows']:>9,}{r['bytes'] / 1e6:>8.1f}"
            f"{r['seconds']:>7.2f}{r['first_byte_ms']:>12.0f}{r['rss_before'] / 1024:>16.1f}"
            f"{r['peak'] / 1024:>10.1f}{(r['peak'] - r['rss_before']) / 1024:>12.1f}"
            f"  {'yes' if r['streamed'] else 'no (Content-Length)'}"
        )


def main() -> None:
    args = parse_args()
    lists = set(filter(None, args.only.split(","))) or {"senders", "users", "audit", "csv"}
    env = bench_environment(args)
    os.environ.update(env)
    rng = random.Random(args.seed)

    started = time.perf_counter()
    if not args.reuse:
        recreate_database(args.database_url)
    flush_redis(args.redis_url)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # the manifest pages need
    migrated = time.perf_counter()
    if args.reuse:
        sizes = data_sizes()
    else:
        sizes = build_data(senders=args.senders, users=args.users, events=args.events, rng=rng)
        vacuum_analyze()
    built = time.perf_counter()

    from accounts.models import User
    from approvals.models import ProtectedAccount

    today = timezone.localdate()
    ids = {
        "main": ProtectedAccount.objects.get(account__number="970000001").pk,
        "second": ProtectedAccount.objects.get(account__number="970000002").pk,
        "month_from": (today - timedelta(days=90)).isoformat(),
        "month_to": (today - timedelta(days=60)).isoformat(),
        "year_ago": (today - timedelta(days=365)).isoformat(),
        "days20_from": (today - timedelta(days=19)).isoformat(),
        "days200_from": (today - timedelta(days=199)).isoformat(),
    }
    client = Client()
    client.force_login(User.objects.get(username=ADMIN))
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        (pg_version,) = cursor.fetchone()

    log = Path(tempfile.gettempdir()) / "sesame-bench-lists-gunicorn.log"
    log.write_text("")
    page_rows, csv_rows, floor = [], [], []
    try:
        server = start_gunicorn(env, port=args.port, workers=args.workers, log=log)
        try:
            browser = Browser(args.port)
            browser.sign_in(ADMIN, PASSWORD)
            health_floor(args.port, 50)  # both workers warm
            floor = health_floor(args.port)
            print(f"floor: GET /health/ p50 {percentile(floor, 50):.2f} ms", flush=True)
            page_rows = measure_pages(browser, client, lists - {"csv"}, ids, args.calls)
            floor += health_floor(args.port)  # before and after the pages
        finally:
            stop(server)
        if "csv" in lists:
            server = start_gunicorn(
                env, port=args.csv_port, workers=1, log=log, timeout=args.csv_timeout
            )
            try:
                browser = Browser(args.csv_port)
                browser.sign_in(ADMIN, PASSWORD)
                csv_rows = csv_downloads(browser, server.pid, ids)
            finally:
                stop(server)
    finally:
        connection.close()
        if not args.keep:
            drop_database(args.database_url)

    print()
    print("Sésame bench · lists at scale (eSecure authorized users, users, audit log)")
    print(f"database: {pg_version.split(' on ')[0]} · {urlsplit(args.database_url).path[1:]}")
    print("data:     " + ", ".join(f"{v:,} {k}" for k, v in sizes.items()))
    print(
        f"setup:    migrate {migrated - started:.1f} s, "
        + ("kept database" if args.reuse else f"data {built - migrated:.1f} s (COPY + VACUUM)")
    )
    print(
        f"server:   gunicorn {args.workers} sync workers on 127.0.0.1:{args.port} (pages), "
        f"1 on :{args.csv_port} (CSV); DEBUG=false; cache "
        f"{args.redis_url or 'locmem'}"
    )
    load = ", ".join(f"{v:.2f}" for v in os.getloadavg())
    print(f"machine:  {os.cpu_count()} CPUs, load average {load} (1, 5, 15 min) at the end")
    if page_rows:
        print()
        print(
            f"Pages: {args.calls} calls each, one at a time, after one warm-up call; latency on the"
            " client (loopback); queries and their SQL time counted in-process; ×floor = p50 / "
            "p50 of GET /health/ on the same server in the same run"
        )
        print_pages(page_rows, floor)
    if csv_rows:
        print()
        print("CSV downloads: one gunicorn sync worker; its RSS before and its peak during each")
        print_csv(csv_rows)
    print(f"\ngunicorn's log: {log}" + ("" if args.keep else "; bench database dropped"))


if __name__ == "__main__":
    main()
