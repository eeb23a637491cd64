#!/usr/bin/env python3
"""The production path, run for real (CI step; not part of the pytest suite).

Starts the lines of Procfile.stack itself (web: migrate, collectstatic, gunicorn with DEBUG=false;
Celery worker and beat; the SMTP mail catcher) with the settings of .env.stack on free ports, a
database and two Redis databases of its own, then drives the stack over HTTP and SMTP only:

  1. a sender check for a new sender: both eSecure admins' e-mails arrive over SMTP; a GET of the
     approve link changes nothing (the link still offers to confirm, a second check still answers
     pending); the POST from that page (its CSRF token and cookie) approves; the requester's
     e-mail arrives and the check answers allowed;
  2. a forgotten password: the e-mail arrives, its link sets a new password, the person signs in
     with it, and the link then shows the closed page;
  3. a burst of 200+ e-mails (new-sender checks) during which the worker is killed (SIGKILL, the
     whole process group) and restarted: every outbox row must arrive exactly once, counted by the
     Message-ID each row carries (<outbox.ROW.…@…>), and every row must end "sent".

Prints the counts and exits non-zero when anything is off. Stops exactly what it started (by
process group), drops its database and empties its Redis databases, whatever happens.

    .venv/bin/python .ci/stack_check.py [--burst 200] [--timeout 900]

Environment (all optional): STACK_CHECK_PG (server URL, default postgres://postgres@127.0.0.1:5432),
STACK_CHECK_DB (default sesame_stack_check), STACK_CHECK_REDIS (default redis://127.0.0.1:6379),
STACK_CHECK_REDIS_DBS (broker,cache; default 13,12), STACK_CHECK_WEB_PORT, STACK_CHECK_SMTP_PORT,
STACK_CHECK_MAIL_HTTP_PORT (default: free ports), STACK_CHECK_KEEP=1 (keep logs and var dir).
"""

import argparse
import contextlib
import html
import json
import math
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from email import message_from_bytes, policy
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
PASSWORD = "Sesame-demo-2026!"  # seed_demo's password of every demo account
API_KEY = "ses_stack_check_" + "0123456789abcdef"
ACCOUNT = "950000033"  # Nordic Parts, under eSecure protection in the demo
ESECURE_ADMINS = {"jan.peeters@nordic.example", "elise.janssens@nordicparts.example"}
RECOVERING_USER = ("admin.lambert", "claire.lambert@lambert.example")
MESSAGE_ID = re.compile(r"<outbox\.(\d+)\.\d+@")
DECISION_LINK = re.compile(r"https?://[^\s\"'<>]+/esecure/decision/[^\s\"'<>/]+/")
RESET_LINK = re.compile(r"https?://[^\s\"'<>]+/accounts/recovery/[^\s\"'<>/]+/[^\s\"'<>/]+/")
CONFIRM_FORM = '<form method="post" class="form-stack">'  # the decision link's confirm form
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
OUTBOX_ROW = re.compile(
    r'<a href="/outbox/(\d+)/"[^>]*>.*?badge-(\w+)">.*?</td>\s*<td>(\d+)</td>', re.DOTALL
)


class CheckFailed(Exception):
    pass


def log(text: str) -> None:
    print(f"[stack {time.strftime('%H:%M:%S')}] {text}", flush=True)


def expect(condition: bool, what: str) -> None:
    if not condition:
        raise CheckFailed(what)
    log(f"ok: {what}")


def wait_for(predicate, seconds: float, what: str, every: float = 0.25):
    deadline = time.monotonic() + seconds
    while True:
        result = predicate()
        if result:
            return result
        if time.monotonic() > deadline:
            raise CheckFailed(f"timed out after {seconds:.0f} s waiting for {what}")
        time.sleep(every)


def free_port(variable: str) -> int:
    if os.environ.get(variable):
        return int(os.environ[variable])
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def read_env_file(path: Path) -> dict[str, str]:
    values = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, value = line.split("=", 1)
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        values[key.strip()] = value
    return values


def procfile(path: Path) -> dict[str, str]:
    lines = (line.strip() for line in path.read_text().splitlines())
    return {
        name.strip(): command.strip()
        for name, command in (
            line.split(":", 1) for line in lines if line and not line.startswith("#")
        )
    }


# --- the processes --------------------------------------------------------------------------


class Stack:
    """The Procfile's processes, each in its own process group, logs in files."""

    def __init__(self, commands: dict[str, str], env: dict[str, str], logs: Path):
        self.commands, self.env, self.logs = commands, env, logs
        self.processes: dict[str, subprocess.Popen] = {}
        self.starts: dict[str, int] = {}

    def start(self, name: str) -> None:
        self.starts[name] = self.starts.get(name, 0) + 1
        out = (self.logs / f"{name}.log").open("ab")
        out.write(f"\n--- start {self.starts[name]} at {time.strftime('%H:%M:%S')}\n".encode())
        out.flush()
        self.processes[name] = subprocess.Popen(  # noqa: S603 (our Procfile's own lines)
            ["/bin/sh", "-c", self.commands[name]],
            cwd=ROOT,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log(f"started {name} (pid {self.processes[name].pid}): {self.commands[name]}")

    def kill(self, name: str) -> None:
        """SIGKILL to the process and its children (Celery's pool), as a killed container."""
        process = self.processes[name]
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
        wait_for(lambda: not _group_alive(process.pid), 30, f"{name}'s children to die")

    def assert_running(self) -> None:
        for name, process in self.processes.items():
            if process.poll() is not None:
                raise CheckFailed(f"{name} exited with status {process.returncode}")

    def stop_all(self) -> None:
        for name, process in self.processes.items():
            if process.poll() is None or _group_alive(process.pid):
                log(f"stopping {name} (process group {process.pid})")
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 20
        for name, process in self.processes.items():
            while _group_alive(process.pid) and time.monotonic() < deadline:
                process.poll()
                time.sleep(0.1)
            if _group_alive(process.pid):
                log(f"{name} still running after SIGTERM: SIGKILL")
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=10)

    def tails(self, lines: int = 40) -> None:
        for name in self.commands:
            path = self.logs / f"{name}.log"
            if path.exists():
                print(f"\n----- last {lines} lines of {name}'s log -----")
                print("\n".join(path.read_text(errors="replace").splitlines()[-lines:]))


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


# --- HTTP -----------------------------------------------------------------------------------


class Browser:
    """Cookies, CSRF tokens and redirects, as a browser would."""

    def __init__(self, base: str):
        self.base = base
        self.jar = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def request(self, method, url, *, data=None, json_body=None, headers=None):
        url = url if url.startswith("http") else self.base + url
        headers = dict(headers or {})
        body = None
        if json_body is not None:
            body = json.dumps(json_body).encode()
            headers["Content-Type"] = "application/json"
        elif data is not None:
            body = urllib.parse.urlencode(data).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        request = urllib.request.Request(url, data=body, method=method, headers=headers)  # noqa: S310
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.geturl(), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.geturl(), error.read().decode(errors="replace")

    def get(self, url):
        return self.request("GET", url)

    def post_form(self, url, fields, page_html):
        token = CSRF_FIELD.search(page_html)
        if token is None:
            raise CheckFailed(f"no CSRF token in the page of {url}")
        return self.request("POST", url, data={"csrfmiddlewaretoken": token.group(1), **fields})

    def sign_in(self, login: str, password: str) -> str:
        status, _url, page = self.get("/accounts/login/")
        status, url, page = self.post_form(
            "/accounts/login/", {"login": login, "password": password}, page
        )
        if status != 200 or "/accounts/login/" in url:
            raise CheckFailed(f"sign-in as {login} failed (HTTP {status} at {url})")
        return url


def sender_check(base: str, email: str, language: str = "en") -> dict:
    browser = Browser(base)
    status, _url, body = browser.request(
        "POST",
        "/api/v1/sender-checks",
        json_body={"account_number": ACCOUNT, "email": email, "language": language},
        headers={"Authorization": f"Api-Key {API_KEY}"},
    )
    if status != 200:
        raise CheckFailed(f"sender check for {email}: HTTP {status} {body[:300]}")
    return json.loads(body)


# --- the mail catcher, read over HTTP -------------------------------------------------------


class Mailbox:
    def __init__(self, base: str):
        self.base = base
        self.bodies: dict[str, str] = {}

    def listing(self) -> list[dict]:
        with urllib.request.urlopen(self.base + "/", timeout=30) as response:  # noqa: S310
            return json.loads(response.read())

    def text(self, item: dict) -> str:
        """The whole message, decoded: headers and every text part."""
        name = item["file"]
        if name not in self.bodies:
            with urllib.request.urlopen(f"{self.base}/{name}", timeout=30) as response:  # noqa: S310
                message = message_from_bytes(response.read(), policy=policy.default)
            parts = [f"{key}: {value}" for key, value in message.items()]
            for part in message.walk():
                if part.get_content_maintype() == "text":
                    parts.append(part.get_content())
            self.bodies[name] = html.unescape("\n".join(parts))
        return self.bodies[name]

    def to(self, address: str) -> list[dict]:
        return [m for m in self.listing() if address in m["to"]]

    def mentioning(self, text: str) -> list[dict]:
        return [m for m in self.listing() if text in m["to"] or text in self.text(m)]


def outbox_id(item: dict) -> int | None:
    match = MESSAGE_ID.search(item["message_id"])
    return int(match.group(1)) if match else None


# --- the checks -----------------------------------------------------------------------------


def check_sender_approval(base: str, mailbox: Mailbox, run: str) -> int:
    """Returns how many e-mails one new-sender check sends (the burst's unit)."""
    log("1. sender check → admins' e-mails → GET changes nothing → POST approves")
    requester = f"stack.{run}@example.com"
    answer = sender_check(base, requester)
    expect(answer["decision"] == "pending", f"a new sender is pending ({answer})")

    def admin_mails():
        found = [m for m in mailbox.mentioning(requester) if m["to"] != requester]
        if {a for a in ESECURE_ADMINS if any(a in m["to"] for m in found)} == ESECURE_ADMINS:
            return found
        return None

    admin_messages = wait_for(admin_mails, 60, "both eSecure admins' e-mails")
    expect(len(admin_messages) == 2, "each eSecure admin receives one e-mail over SMTP")
    wait_for(lambda: mailbox.to(requester), 60, "the requester's acknowledgement")
    per_check = len(mailbox.mentioning(requester))

    jan = next(m for m in admin_messages if "jan.peeters@" in m["to"])
    elise = next(m for m in admin_messages if "elise.janssens@" in m["to"])
    # The text part names the approve link first, then the reject link.
    approve_url = DECISION_LINK.findall(mailbox.text(jan))[0]
    browser = Browser(base)
    for _ in range(2):
        status, _url, page = browser.get(approve_url)
        expect(
            status == 200 and CONFIRM_FORM in page and "btn-primary" in page,
            "GET of the approve link shows the confirm form",
        )
    again = sender_check(base, requester)
    expect(
        again["decision"] == "pending" and again["request_id"] == answer["request_id"],
        "after the GETs, the request is still pending",
    )
    status, _url, decided = browser.post_form(approve_url, {}, page)
    expect(
        status == 200 and CONFIRM_FORM not in decided,
        f"the POST approves (HTTP {status})",
    )
    expect(sender_check(base, requester)["decision"] == "allowed", "the sender is now allowed")
    decision = wait_for(
        lambda: len(mailbox.to(requester)) >= 2 and mailbox.to(requester),
        60,
        "the requester's decision e-mail",
    )
    expect(
        "approved" in decision[-1]["subject"].lower(),
        f"the requester is told: {decision[-1]['subject'].strip()}",
    )
    status, _url, page = Browser(base).get(DECISION_LINK.findall(mailbox.text(elise))[0])
    expect(
        status == 410 and CONFIRM_FORM not in page,
        f"the other admin's link says the request was decided (HTTP {status})",
    )
    return per_check


def check_password_reset(base: str, mailbox: Mailbox) -> None:
    log("2. forgotten password → e-mail → new password → sign-in → the link is closed")
    login, address = RECOVERING_USER
    before = len(mailbox.to(address))
    browser = Browser(base)
    status, _url, page = browser.get("/accounts/recovery/")
    status, url, _page = browser.post_form("/accounts/recovery/", {"login": login}, page)
    expect(status == 200 and url.endswith("/accounts/recovery/sent/"), "the request is taken")
    messages = wait_for(
        lambda: len(mailbox.to(address)) > before and mailbox.to(address), 60, "the reset e-mail"
    )
    links = sorted(set(RESET_LINK.findall(mailbox.text(messages[-1]))))
    expect(len(links) == 1, "the reset e-mail carries one link")
    link = links[0]
    status, form_url, page = browser.get(link)
    expect(status == 200 and 'name="new_password1"' in page, "the link opens the password form")
    new_password = f"Stack-check-{int(time.time())}-ok"
    status, url, _page = browser.post_form(
        form_url, {"new_password1": new_password, "new_password2": new_password}, page
    )
    expect(status == 200 and url.endswith("/accounts/recovery/done/"), "the new password is set")
    fresh = Browser(base)
    landed = fresh.sign_in(login, new_password)
    expect(True, f"{login} signs in with the new password (landed on {urlpath(landed)})")
    status, _url, page = Browser(base).get(link)
    expect(
        status == 200 and 'name="new_password1"' not in page,
        "the same link now shows the closed page",
    )


def urlpath(url: str) -> str:
    return urllib.parse.urlsplit(url).path


def outbox_rows(staff: Browser, after_id: int) -> dict[int, tuple[str, int]]:
    """Outbox rows with an id above `after_id`: id → (badge tone, attempts), read from the staff
    outbox pages (newest first). Tone "ok" is "sent"."""
    rows: dict[int, tuple[str, int]] = {}
    page_number = 1
    while True:
        status, _url, page = staff.get(f"/outbox/?page={page_number}")
        if status != 200:
            raise CheckFailed(f"/outbox/ page {page_number}: HTTP {status}")
        found = [(int(i), tone, int(n)) for i, tone, n in OUTBOX_ROW.findall(page)]
        for pk, tone, attempts in found:
            if pk > after_id:
                rows[pk] = (tone, attempts)
        if not found or min(pk for pk, _t, _n in found) <= after_id:
            return rows
        if f"page={page_number + 1}" not in page:
            return rows
        page_number += 1


def check_burst(
    base: str, mailbox: Mailbox, stack: Stack, run: str, per_check: int, size: int
) -> dict:
    checks = math.ceil(size / per_check)
    expected = checks * per_check
    log(f"3. burst: {checks} new-sender checks → {expected} e-mails; SIGKILL the worker midway")
    staff = Browser(base)
    staff.sign_in("support", PASSWORD)
    seen = {m["file"] for m in mailbox.listing()}
    first = outbox_rows(staff, 0)
    last_before = max(first) if first else 0

    def burst_messages() -> list[dict]:
        return [
            m
            for m in mailbox.listing()
            if (outbox_id(m) or 0) > last_before and m["file"] not in seen
        ]

    errors: list[str] = []

    def post(i: int) -> None:
        try:
            answer = sender_check(base, f"burst.{run}.{i:03d}@example.com")
            if answer["decision"] != "pending":
                errors.append(f"check {i}: {answer}")
        except Exception as exc:  # reported below
            errors.append(f"check {i}: {exc}")

    started = time.monotonic()
    pool = ThreadPoolExecutor(max_workers=4)
    futures = [pool.submit(post, i) for i in range(checks)]
    wait_for(lambda: len(burst_messages()) >= expected // 2, 120, "half of the burst", 0.05)
    received_at_kill = len(burst_messages())
    done_at_kill = sum(f.done() for f in futures)
    stack.kill("worker")
    log(
        f"worker killed (SIGKILL) with {received_at_kill}/{expected} e-mails received, "
        f"{done_at_kill}/{checks} checks answered"
    )
    time.sleep(1)
    stack.start("worker")
    pool.shutdown(wait=True)
    expect(not errors, f"all {checks} checks answered pending {errors[:3]}")

    def settled():
        stack.assert_running()
        rows = outbox_rows(staff, last_before)
        if len(rows) < expected or any(tone != "ok" for tone, _n in rows.values()):
            return None
        received = {outbox_id(m) for m in burst_messages()}
        return rows if set(rows) <= received else None

    rows = wait_for(settled, 180, "every burst e-mail sent and received", 1.0)
    took = time.monotonic() - started
    time.sleep(1)  # a copy sent twice would already be here: rows are "sent" only after sending
    messages = burst_messages()
    ids = [outbox_id(m) for m in messages]
    distinct = set(ids)
    counts = {
        "outbox rows": len(rows),
        "expected": expected,
        "sent (outbox)": sum(tone == "ok" for tone, _n in rows.values()),
        "received": len(messages),
        "distinct": len(distinct),
        "duplicates": len(ids) - len(distinct),
        "missing": len(set(rows) - distinct),
        "unknown": len(distinct - set(rows)),
        "retried after the kill": sum(n > 1 for _tone, n in rows.values()),
        "received at kill": received_at_kill,
        "seconds": round(took, 1),
    }
    log("burst counts: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    if counts["duplicates"]:
        twice = sorted(i for i in distinct if ids.count(i) > 1)
        log(f"outbox rows received more than once: {twice}")
    expect(counts["outbox rows"] == expected, f"the outbox holds the {expected} burst e-mails")
    expect(counts["sent (outbox)"] == expected, "every burst row ends sent")
    expect(counts["missing"] == 0 and counts["unknown"] == 0, "no e-mail missing")
    expect(counts["duplicates"] == 0, "no e-mail received twice")
    return counts


def check_no_duplicate_anywhere(mailbox: Mailbox) -> int:
    ids = [m["message_id"] for m in mailbox.listing()]
    expect(len(ids) == len(set(ids)), f"all {len(ids)} e-mails of the run arrived once each")
    return len(ids)


# --- setup and teardown ---------------------------------------------------------------------


def run(args) -> int:
    started = time.monotonic()
    run_id = time.strftime("%H%M%S")
    work = Path(tempfile.mkdtemp(prefix="sesame-stack-"))
    pg = os.environ.get("STACK_CHECK_PG", "postgres://postgres@127.0.0.1:5432").rstrip("/")
    database = os.environ.get("STACK_CHECK_DB", "sesame_stack_check")
    redis_base = os.environ.get("STACK_CHECK_REDIS", "redis://127.0.0.1:6379").rstrip("/")
    broker_db, cache_db = os.environ.get("STACK_CHECK_REDIS_DBS", "13,12").split(",")
    web_port = free_port("STACK_CHECK_WEB_PORT")
    smtp_port = free_port("STACK_CHECK_SMTP_PORT")
    mail_port = free_port("STACK_CHECK_MAIL_HTTP_PORT")
    base = f"http://127.0.0.1:{web_port}"

    env = {**os.environ, **read_env_file(ROOT / ".env.stack")}
    env.update(
        PATH=f"{VENV_BIN}:{os.environ.get('PATH', '/usr/bin:/bin')}",
        SITE_URL=base,
        CSRF_TRUSTED_ORIGINS=base,
        GUNICORN_BIND=f"127.0.0.1:{web_port}",
        DATABASE_URL=f"{pg}/{database}",
        CELERY_BROKER_URL=f"{redis_base}/{broker_db}",
        REDIS_URL=f"{redis_base}/{cache_db}",
        SESAME_VAR_DIR=str(work / "var"),
        CELERY_BEAT_SCHEDULE_FILENAME=str(work / "var" / "celerybeat-schedule"),
        EMAIL_PORT=str(smtp_port),
        MAILCATCHER_SMTP=f"127.0.0.1:{smtp_port}",
        MAILCATCHER_HTTP=f"127.0.0.1:{mail_port}",
        MAILCATCHER_DIR=str(work / "mail"),
    )
    (work / "var").mkdir()
    (work / "logs").mkdir()
    log(f"web {base}, SMTP 127.0.0.1:{smtp_port}, mail listing 127.0.0.1:{mail_port}")
    log(f"database {database}, Redis {broker_db} (broker) and {cache_db} (cache), files in {work}")

    def flush_redis():
        import redis

        for db in (broker_db, cache_db):
            redis.Redis.from_url(f"{redis_base}/{db}").flushdb()

    def database_action(action: str) -> None:
        subprocess.run(  # noqa: S603
            [str(VENV_BIN / "python"), "bin/stack_db.py", action],
            cwd=ROOT,
            env=env,
            check=True,
            timeout=60,
        )

    stack = Stack(procfile(ROOT / "Procfile.stack"), env, work / "logs")
    ok = False
    try:
        database_action("drop")
        database_action("create")
        flush_redis()
        for name in ("mail", "web", "worker", "beat"):
            stack.start(name)
        mailbox = Mailbox(f"http://127.0.0.1:{mail_port}")

        def web_up():
            stack.assert_running()
            with contextlib.suppress(OSError):
                return Browser(base).get("/health/")[0] == 200
            return False

        wait_for(web_up, 300, "gunicorn to answer /health/ (after migrate and collectstatic)", 0.5)
        status, _url, page = Browser(base).get("/accounts/login/")
        css = re.search(r'/static/[^"]+\.[0-9a-f]{12}\.css', page)
        expect(status == 200 and css is not None, "DEBUG=false pages name hashed static files")
        expect(Browser(base).get(css.group(0))[0] == 200, "collected static files are served")
        log("seeding the demo (manage.py seed_demo --api-key …)")
        seeded = subprocess.run(  # noqa: S603
            [str(VENV_BIN / "python"), "manage.py", "seed_demo", "--api-key", API_KEY],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        if seeded.returncode:
            print(seeded.stdout[-3000:], seeded.stderr[-3000:])
            raise CheckFailed("seed_demo failed")
        per_check = check_sender_approval(base, mailbox, run_id)
        check_password_reset(base, mailbox)
        counts = check_burst(base, mailbox, stack, run_id, per_check, args.burst)
        total = check_no_duplicate_anywhere(mailbox)
        stack.assert_running()
        print(
            f"\nSTACK CHECK PASSED in {time.monotonic() - started:.0f} s: burst e-mails sent "
            f"(outbox) {counts['sent (outbox)']}, received {counts['received']}, duplicates "
            f"{counts['duplicates']}, missing {counts['missing']} (worker killed at "
            f"{counts['received at kill']}, {counts['retried after the kill']} sent again after "
            f"the kill); {total} e-mails in the whole run, each once",
            flush=True,
        )
        ok = True
    except (CheckFailed, subprocess.SubprocessError, OSError) as exc:
        print(f"\nSTACK CHECK FAILED: {type(exc).__name__}: {exc}", flush=True)
    finally:
        stack.stop_all()
        if not ok:
            stack.tails()
        with contextlib.suppress(Exception):
            database_action("drop")
        with contextlib.suppress(Exception):
            flush_redis()
        if os.environ.get("STACK_CHECK_KEEP") == "1":
            log(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
        log(f"duration {time.monotonic() - started:.0f} s")
    return 0 if ok else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--burst", type=int, default=200, help="e-mails to cause in the burst")
    parser.add_argument("--timeout", type=int, default=900, help="seconds before giving up")
    args = parser.parse_args()

    def give_up(*_):
        raise CheckFailed(f"the whole check took more than {args.timeout} s")

    signal.signal(signal.SIGALRM, give_up)

    def terminated(*_):
        raise CheckFailed("terminated (SIGTERM)")

    signal.signal(signal.SIGTERM, terminated)
    signal.alarm(args.timeout)
    return run(args)


if __name__ == "__main__":
    threading.current_thread().name = "stack-check"
    sys.exit(main())
