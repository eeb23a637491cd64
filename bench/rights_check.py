#!/usr/bin/env python
"""Bench: the yes/no rights check of the API (GET /api/v1/rights/check) on PostgreSQL.

Builds a bench database (dropped and created again), fills it with companies, accounts, users,
memberships and grants in bulk, issues one API key, then:

1. in-process, counts the SQL queries of a sample of checks (authentication included), per
   answer, with Django's test client;
2. starts gunicorn on 127.0.0.1 with this database and calls the check over HTTP (stdlib
   http.client), one call at a time, and prints p50/p95/p99 latency per answer;
3. drives it open loop at --rate calls/s for --duration s (latency from each call's due time);
4. measures the throughput at saturation (closed loop) of GET /health/, of the check and of
   /health/ again, and prints the ratio of the check's to the floor's.

Run from the project root:

    .venv/bin/python bench/rights_check.py               # 10k users, 100k grants, 2000 calls
    .venv/bin/python bench/rights_check.py --users 1000 --grants 10000 --calls 500
    .venv/bin/python bench/rights_check.py --reuse --rate 300 --duration 60 --saturate 10

The database named in --database-url is DROPPED first: never point it at real data.
"""

import argparse
import http.client
import json
import logging
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from httpload import get_request, open_loop, throughput_ratio  # noqa: E402  (bench/)

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/sesame_bench"
CHECK_PATH = "/api/v1/rights/check"
ACCOUNTS_PER_COMPANY = 5
SECOND_COMPANY_SHARE = 0.2  # people linked to two companies
BATCH = 5000


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--grants", type=int, default=100_000)
    parser.add_argument("--calls", type=int, default=2000, help="HTTP calls measured")
    parser.add_argument("--sample", type=int, default=200, help="in-process calls counted")
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--port", type=int, default=0, help="0: a free port")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument(
        "--gunicorn-args", default="", help="more gunicorn options, e.g. '--worker-class gthread'"
    )
    parser.add_argument(
        "--rate", type=float, default=300, help="open loop: calls per second (0: skip)"
    )
    parser.add_argument("--duration", type=float, default=60, help="open loop: seconds")
    parser.add_argument(
        "--saturate",
        type=float,
        default=10,
        help="seconds of closed loop on /health/, on the check and on /health/ again: "
        "throughput at saturation and its ratio to the floor (0: skip)",
    )
    parser.add_argument(
        "--saturate-connections", type=int, default=4, help="clients of the closed loop"
    )
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--reuse", action="store_true", help="keep an existing bench database")
    return parser.parse_args()


# --- Environment and database -------------------------------------------------------------


def bench_environment(database_url: str) -> dict[str, str]:
    """Production-like settings (DEBUG off) served over plain HTTP on 127.0.0.1."""
    return {
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "GUNICORN_ACCESS_LOG": "",  # gunicorn.conf.py's other settings apply; no access log
        "DEBUG": "false",
        "SECRET_KEY": "bench-only-not-secret",
        "SECURE_SSL_REDIRECT": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "SESAME_TESTING": "false",
        "LOG_LEVEL": "ERROR",
        "CELERY_BROKER_URL": "",
    }


def recreate_database(database_url: str) -> None:
    import psycopg

    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    if not name.replace("_", "").isalnum():
        raise SystemExit(f"refusing an unusual database name: {name!r}")
    maintenance = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


# --- Data -----------------------------------------------------------------------------------


def build_data(*, users: int, grants: int, rng: random.Random) -> dict:
    """Companies of 5 accounts, one person in ten per company, 20 % in a second company, and
    `grants` active grants spread over the memberships, each on 1 to 3 accounts."""
    from accounts.models import (
        AccountApplication,
        Company,
        CustomerAccount,
        Grant,
        Membership,
        MembershipKind,
        Permission,
        User,
    )

    permissions = list(
        Permission.objects.filter(is_active=True, application__is_active=True).select_related(
            "application"
        )
    )
    application_ids = sorted({p.application_id for p in permissions})
    companies = Company.objects.bulk_create(
        [Company(name=f"Bench {i:05d}") for i in range(max(1, users // 10))], batch_size=BATCH
    )
    accounts = CustomerAccount.objects.bulk_create(
        [
            CustomerAccount(company=c, number=f"B{c.pk:06d}{j}", name=f"Compte {j}")
            for c in companies
            for j in range(ACCOUNTS_PER_COMPANY)
        ],
        batch_size=BATCH,
    )
    accounts_of: dict[int, list] = defaultdict(list)
    for account in accounts:
        accounts_of[account.company_id].append(account)
    # Every application but one (chosen at random) is enabled on each account.
    enabled = []
    for account in accounts:
        missing = rng.choice(application_ids)
        enabled += [
            AccountApplication(account=account, application_id=app)
            for app in application_ids
            if app != missing
        ]
    AccountApplication.objects.bulk_create(enabled, batch_size=BATCH)

    people = User.objects.bulk_create(
        [
            User(
                username=f"bench{i:06d}",
                email=f"bench{i:06d}@bench.example",
                password="!",  # unusable: nobody signs in here
                first_name="Bench",
                last_name=f"{i:06d}",
            )
            for i in range(users)
        ],
        batch_size=BATCH,
    )
    memberships = []
    for i, person in enumerate(people):
        home = companies[i % len(companies)]
        kind = MembershipKind.ADVANCED if i % 4 == 0 else MembershipKind.EMPLOYEE
        memberships.append(Membership(user=person, company=home, kind=kind))
        if len(companies) > 1 and rng.random() < SECOND_COMPANY_SHARE:
            other = companies[(i * 7 + 3) % len(companies)]
            if other.pk != home.pk:
                memberships.append(
                    Membership(user=person, company=other, kind=MembershipKind.ADVANCED)
                )
    memberships = Membership.objects.bulk_create(memberships, batch_size=BATCH)

    per_membership = min(len(permissions), -(-grants // len(memberships)))
    rows, scopes = [], []
    for membership in memberships:
        for permission in rng.sample(permissions, per_membership):
            if len(rows) == grants:
                break
            rows.append(
                Grant(
                    membership=membership,
                    grantor_company_id=membership.company_id,
                    permission=permission,
                )
            )
            company_accounts = accounts_of[membership.company_id]
            scopes.append(rng.sample(company_accounts, rng.randint(1, 3)))
    created = Grant.objects.bulk_create(rows, batch_size=BATCH)
    through = Grant.accounts.through
    through.objects.bulk_create(
        [
            through(grant_id=grant.pk, customeraccount_id=account.pk)
            for grant, chosen in zip(created, scopes, strict=True)
            for account in chosen
        ],
        batch_size=BATCH,
    )
    return {
        "companies": len(companies),
        "accounts": len(accounts),
        "users": len(people),
        "memberships": len(memberships),
        "grants": len(created),
        "grant_accounts": through.objects.count(),
        "enabled": len(enabled),
    }


def pick_holder():
    """The advanced user with the most grants: the key holder."""
    from django.db.models import Count

    from accounts.models import User

    return (
        User.objects.filter(memberships__kind="advanced")
        .annotate(n=Count("memberships__grants"))
        .order_by("-n", "pk")
        .first()
    )


def questions(holder, *, count: int, rng: random.Random) -> list[tuple[str, dict]]:
    """A mix of checks for the holder: 50 % held, 20 % held on another account, 20 % not held,
    10 % unknown account. Each is (expected kind, query parameters)."""
    from accounts.models import CustomerAccount, Grant, Permission

    held = list(
        Grant.objects.filter(membership__user=holder, status="active")
        .select_related("membership", "permission__application")
        .prefetch_related("accounts")
    )
    company_ids = {g.membership.company_id for g in held}
    company_accounts = list(CustomerAccount.objects.filter(company_id__in=company_ids))
    held_codes = {(g.permission.application.code, g.permission.code) for g in held}
    not_held = [
        (p.application.code, p.code)
        for p in Permission.objects.select_related("application")
        if (p.application.code, p.code) not in held_codes
    ]
    out = []
    for _ in range(count):
        roll = rng.random()
        grant = rng.choice(held)
        app, perm = grant.permission.application.code, grant.permission.code
        scope = [a.number for a in grant.accounts.all()]
        if roll < 0.5:
            out.append(
                ("held", {"application": app, "permission": perm, "account": rng.choice(scope)})
            )
        elif roll < 0.7:
            others = [
                a.number
                for a in company_accounts
                if a.company_id == grant.membership.company_id and a.number not in scope
            ]
            out.append(
                (
                    "other account",
                    {
                        "application": app,
                        "permission": perm,
                        "account": rng.choice(others or scope),
                    },
                )
            )
        elif roll < 0.9:
            app, perm = rng.choice(not_held)
            out.append(
                ("not held", {"application": app, "permission": perm, "account": rng.choice(scope)})
            )
        else:
            out.append(
                ("unknown account", {"application": app, "permission": perm, "account": "X000000"})
            )
    return out


# --- Measures -------------------------------------------------------------------------------


def answer_code(status: int, data: dict) -> str:
    return data["code"] if status == 200 else f"{status} unknown {data.get('field', '')}"


def count_queries(key: str, sample: list[tuple[str, dict]]) -> dict[str, list[int]]:
    """Queries per call in-process (authentication included), by answer code."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    by_code: dict[str, list[int]] = defaultdict(list)
    for _, params in sample:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(CHECK_PATH, params, HTTP_AUTHORIZATION=f"Api-Key {key}")
        by_code[answer_code(response.status_code, response.json())].append(len(captured))
    return by_code


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def analyze() -> None:
    """Fresh statistics, as autovacuum would have them on a database in service."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def start_gunicorn(
    env: dict[str, str], *, port: int, workers: int, log: Path, extra: str = ""
) -> subprocess.Popen:
    """gunicorn in the background; its output (the expected 404 warnings) goes to `log`."""
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
            "--log-level",
            "warning",
            *extra.split(),
        ],
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("gunicorn exited at start-up")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/health/")
            if conn.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise SystemExit("gunicorn did not answer within 30 s")


def call_over_http(key: str, calls: list[tuple[str, dict]], *, port: int) -> dict[str, list[float]]:
    """Latency in milliseconds per answer code, one call at a time."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    headers = {"Authorization": f"Api-Key {key}", "Accept": "application/json"}
    by_code: dict[str, list[float]] = defaultdict(list)

    for _, params in calls:
        path = f"{CHECK_PATH}?{urlencode(params)}"
        started = time.perf_counter()
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        body = response.read()
        elapsed = (time.perf_counter() - started) * 1000
        if response.status not in (200, 404):
            raise SystemExit(f"unexpected {response.status}: {body[:200]!r}")
        by_code[answer_code(response.status, json.loads(body))].append(elapsed)
        if response.getheader("Connection", "").lower() == "close":
            conn.close()
    conn.close()
    return by_code


def health_floor(*, port: int, calls: int) -> list[float]:
    """Latency of GET /health/ (no database, no authentication): the server's own floor."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    out = []
    for _ in range(calls):
        started = time.perf_counter()
        conn.request("GET", "/health/")
        conn.getresponse().read()
        out.append((time.perf_counter() - started) * 1000)
    conn.close()
    return out


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def print_table(latencies: dict[str, list[float]], queries: dict[str, list[int]]) -> None:
    every = [v for values in latencies.values() for v in values]
    header = (
        f"{'answer':<26}{'calls':>7}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'queries/call':>14}"
    )
    print(header)
    print("-" * len(header))
    codes = sorted(latencies, key=lambda c: -len(latencies[c]))
    for code in [*codes, "all"]:
        values = every if code == "all" else latencies[code]
        counted = (
            [q for qs in queries.values() for q in qs] if code == "all" else queries.get(code, [])
        )
        q = (
            f"{min(counted)}–{max(counted)}"
            if counted and min(counted) != max(counted)
            else (str(counted[0]) if counted else "-")
        )
        print(
            f"{code:<26}{len(values):>7}{percentile(values, 50):>9.2f}"
            f"{percentile(values, 95):>9.2f}{percentile(values, 99):>9.2f}{q:>14}"
        )


def main() -> None:
    args = parse_args()
    env = bench_environment(args.database_url)
    os.environ.update(env)
    rng = random.Random(args.seed)

    started = time.perf_counter()
    if not args.reuse:
        recreate_database(args.database_url)
    import django

    django.setup()
    logging.getLogger("django.request").setLevel(logging.ERROR)  # the 404 answers are expected
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    migrated = time.perf_counter()
    if args.reuse:
        from accounts.models import Grant

        sizes = {"grants": Grant.objects.count()}
    else:
        sizes = build_data(users=args.users, grants=args.grants, rng=rng)
    analyze()
    built = time.perf_counter()

    from accounts.services import api_key_issue

    holder = pick_holder()
    _, key = api_key_issue(user=holder, actor=holder)
    calls = questions(holder, count=args.calls + args.sample + 50, rng=rng)
    sample, warmup, measured = (
        calls[: args.sample],
        calls[args.sample : args.sample + 50],
        calls[args.sample + 50 :],
    )
    queries = count_queries(key, sample)

    from django.db import connection

    connection.close()  # gunicorn's workers open their own
    port = args.port or free_port()
    log = Path(tempfile.gettempdir()) / "sesame-bench-gunicorn.log"
    server = start_gunicorn(env, port=port, workers=args.workers, log=log, extra=args.gunicorn_args)
    open_answers: list = []
    open_elapsed, saturation = 0.0, ""
    try:
        call_over_http(key, warmup, port=port)  # warms both workers up for the floor too
        floor_started = time.perf_counter()
        floor = health_floor(port=port, calls=200)
        floor_elapsed = time.perf_counter() - floor_started
        http_started = time.perf_counter()
        latencies = call_over_http(key, measured, port=port)
        http_elapsed = time.perf_counter() - http_started
        headers = {"Authorization": f"Api-Key {key}", "Accept": "application/json"}
        payloads = [
            get_request(f"{CHECK_PATH}?{urlencode(params)}", headers) for _, params in measured
        ]
        if args.rate > 0:
            count = int(args.rate * args.duration)
            open_answers, open_elapsed = open_loop(
                port, [payloads[i % len(payloads)] for i in range(count)], rate=args.rate
            )
        if args.saturate > 0:
            _, saturation = throughput_ratio(
                port,
                lambda i: payloads[i % len(payloads)],
                label="rights check",
                connections=args.saturate_connections,
                seconds=args.saturate,
            )
    finally:
        server.terminate()
        server.wait(timeout=20)

    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        (pg_version,) = cursor.fetchone()
    print()
    print("Sésame bench · rights check through the API (GET /api/v1/rights/check)")
    print(f"database: {pg_version.split(' on ')[0]} · {urlsplit(args.database_url).path[1:]}")
    print("data:     " + ", ".join(f"{v:,} {k.replace('_', ' ')}" for k, v in sizes.items()))
    print(
        f"setup:    migrate {migrated - started:.1f} s, data {built - migrated:.1f} s; "
        f"key holder {holder.username} ({len(sample)} checks counted in-process)"
    )
    print(
        f"server:   gunicorn, {args.workers} workers (gunicorn.conf.py, gthread), "
        f"127.0.0.1:{port}; "
        f"{len(measured)} calls one at a time in {http_elapsed:.1f} s "
        f"({len(measured) / http_elapsed:.0f} calls/s)"
    )
    load = ", ".join(f"{v:.2f}" for v in os.getloadavg())
    print(f"machine:  {os.cpu_count()} CPUs, load average {load} (1, 5, 15 min) at the end")
    print()
    print_table(latencies, queries)
    print(
        f"{'(GET /health/, no DB)':<26}{len(floor):>7}{percentile(floor, 50):>9.2f}"
        f"{percentile(floor, 95):>9.2f}{percentile(floor, 99):>9.2f}{'0':>14}"
    )
    every = [v for values in latencies.values() for v in values]
    check_rate, floor_rate = len(measured) / http_elapsed, len(floor) / floor_elapsed
    print(
        f"ratio to the floor (GET /health/, same server, same run): "
        f"p50 {percentile(every, 50) / percentile(floor, 50):.2f}×, "
        f"throughput {check_rate / floor_rate:.3f}× "
        f"({check_rate:.0f} vs {floor_rate:.0f} calls/s, one at a time)"
    )
    if open_answers:
        ok = [a.latency for a in open_answers if a.status in (200, 404)]
        service = [a.service for a in open_answers if a.status in (200, 404)]
        failed = len(open_answers) - len(ok)
        print()
        print(
            f"open loop at {args.rate:g} calls/s for {args.duration:g} s (latency from each "
            f"call's due time, queueing included): {len(open_answers)} calls, achieved "
            f"{len(ok) / open_elapsed:.1f} calls/s, {failed} failed"
        )
        print(
            f"  from due time  p50 {percentile(ok, 50):.2f}  p95 {percentile(ok, 95):.2f}  "
            f"p99 {percentile(ok, 99):.2f}  max {max(ok):.2f} ms   (target p99 ≤ 10 ms)"
        )
        print(
            f"  service time   p50 {percentile(service, 50):.2f}  p95 {percentile(service, 95):.2f}"
            f"  p99 {percentile(service, 99):.2f}  max {max(service):.2f} ms"
        )
    if saturation:
        print()
        print(saturation)
    print()
    print("queries/call: SQL statements per call in-process, API-key authentication included")
    print("(one more, an UPDATE, on the first call of each minute: the key's last use).")
    average = statistics.mean(q for qs in queries.values() for q in qs)
    print(f"all queries: {average:.2f} on average; gunicorn's log: {log}")


if __name__ == "__main__":
    main()
