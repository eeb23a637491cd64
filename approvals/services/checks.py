"""The sender check: may this e-mail ship on this account number? (SPEC C5, C9)

Every answer is one statement (plus the API key's); only a new pending request writes more,
once per (account, e-mail), whatever the number of concurrent checks. What a new request sends
(decision links, e-mails, inbox messages) is made by a task after the commit.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from accounts.models import CustomerAccount
from common.sql import convert_value, per_vendor, prepared_cursor, sql_text

from ..models import (
    AccessRequest,
    AuthorizedDomain,
    AuthorizedSender,
    Origin,
    ProtectedAccount,
    RequestStatus,
    SenderStatus,
    Status,
    UsageRecord,
)
from ..tasks import request_notify


class UnknownAccount(Exception):
    """No customer account has this number."""


@dataclass(frozen=True)
class CheckResult:
    decision: str  # "allowed" | "pending" | "denied"
    reason: str
    request_id: int | None = None


# The check's facts in one statement, prepared once per connection (common.sql): the account,
# its protection, the sender's standing, the domain's, and the open request if any. On
# PostgreSQL the same statement records the day's usage (INSERT … ON CONFLICT DO NOTHING in a
# CTE): a check is one round trip whatever its answer. Enum values are literals of the text
# (so that the prepared plan can use the partial index of pending requests); every value from
# the caller is bound.
_FACTS = """
SELECT acc.id, acc.protection_id, acc.protection_active, acc.starts_on, acc.ends_on,
    (SELECT s.status FROM {sender} s
     WHERE s.protected_account_id = acc.protection_id AND s.email = %(email)s) AS sender_status,
    EXISTS (SELECT 1 FROM {domain} d
            WHERE d.protected_account_id = acc.protection_id AND d.domain = %(domain)s
              AND d.status = '{active}') AS domain_active,
    (SELECT r.id FROM {request} r
     WHERE r.protected_account_id = acc.protection_id AND r.email = %(email)s
       AND r.status = '{pending}') AS request_id
FROM acc
"""
_ACCOUNT = """
SELECT ca.id, pa.id AS protection_id, pa.is_active AS protection_active, pa.starts_on, pa.ends_on
FROM {account} ca LEFT JOIN {protected} pa ON pa.account_id = ca.id
WHERE ca.number = %(number)s
"""
_USAGE = """
INSERT INTO {usage} (account_id, email, used_on) SELECT acc.id, %(email)s, %(today)s FROM acc
{asynchronous}
ON CONFLICT DO NOTHING
"""
# Out of a transaction the statement is its own: this makes its commit asynchronous (it does
# not wait for the WAL to reach the disk, 5-10 ms per commit on this machine's disk). A crash
# of PostgreSQL may then lose the last fraction of a second of usage history; nothing else is
# written by the statement. Inside a transaction the setting would outlive the statement, so
# it is left out there.
_ASYNCHRONOUS = """
CROSS JOIN (SELECT set_config('synchronous_commit', 'off', true) AS value) AS setting
WHERE setting.value = 'off'
"""
_TABLES = {
    "account": CustomerAccount,
    "protected": ProtectedAccount,
    "sender": AuthorizedSender,
    "domain": AuthorizedDomain,
    "request": AccessRequest,
    "usage": UsageRecord,
}


def _facts_sql(*, asynchronous: bool = False) -> str:
    if records_usage_in_lookup():
        usage = _USAGE.replace("{asynchronous}", _ASYNCHRONOUS if asynchronous else "")
        text = f"WITH acc AS ({_ACCOUNT}), used AS ({usage}){_FACTS}"
    else:
        text = f"WITH acc AS ({_ACCOUNT}){_FACTS}"
    return sql_text(text, _TABLES, active=Status.ACTIVE.value, pending=RequestStatus.PENDING.value)


_facts = per_vendor(_facts_sql)
_facts_committing = per_vendor(lambda: _facts_sql(asynchronous=True))


def records_usage_in_lookup() -> bool:
    """PostgreSQL writes in a CTE; elsewhere (SQLite in development) the usage is a second
    statement, spared by the cache when already recorded today."""
    return connection.vendor == "postgresql"


def _lookup(account_number: str, email: str, today: date) -> dict | None:
    """Account, protection, the sender's standing, the domain's and the open request."""
    params = {
        "number": account_number,
        "email": email,
        "domain": email.rsplit("@", 1)[1],
        "today": today,
    }
    statement = _facts() if connection.in_atomic_block else _facts_committing()
    with prepared_cursor() as cursor:
        cursor.execute(statement, params)
        row = cursor.fetchone()
    if row is None:
        return None
    names = (
        "pk",
        "protection_id",
        "protection_active",
        "starts_on",
        "ends_on",
        "sender_status",
        "domain_active",
        "request_id",
    )
    facts = dict(zip(names, row, strict=True))
    for name, model, attname in (
        ("starts_on", ProtectedAccount, "starts_on"),
        ("ends_on", ProtectedAccount, "ends_on"),
    ):
        facts[name] = convert_value(model, attname, facts[name])
    facts["protection_active"] = bool(facts["protection_active"])
    facts["domain_active"] = bool(facts["domain_active"])
    return facts


def sender_check(
    *, account_number: str, email: str, name: str = "", language: str = "fr"
) -> CheckResult:
    """The rules, in order: protection off or outside its dates → allowed; e-mail approved or its
    domain active → allowed; e-mail rejected → denied; otherwise one pending request per
    (account, e-mail) → pending. `email` must already be normalised (lower case).

    A new request is written here and its links, e-mails and inbox messages are made by a task
    after the commit (`approvals.jobs.request_notify`): the caller gets its id at once."""
    today = timezone.localdate()
    row = _lookup(account_number, email, today)
    if row is None:
        raise UnknownAccount(account_number)
    if not records_usage_in_lookup():
        _record_usage(account_id=row["pk"], email=email, today=today)
    if (
        row["protection_id"] is None
        or not row["protection_active"]
        or (row["starts_on"] and today < row["starts_on"])
        or (row["ends_on"] and today > row["ends_on"])
    ):
        return CheckResult("allowed", "account not protected")
    if row["sender_status"] == SenderStatus.APPROVED:
        return CheckResult("allowed", "sender approved")
    if row["domain_active"]:
        return CheckResult("allowed", "domain authorized")
    if row["sender_status"] == SenderStatus.REJECTED:
        return CheckResult("denied", "sender rejected")
    if row["request_id"] is not None:  # repeated checks while pending: nothing more is sent
        return CheckResult("pending", PENDING_REASON, row["request_id"])
    request_id = _request_create(  # the statement above saw no pending request
        protected_account_id=row["protection_id"], email=email, name=name, language=language
    )
    return CheckResult("pending", PENDING_REASON, request_id)


PENDING_REASON = "waiting for an administrator's decision"


def _record_usage(*, account_id: int, email: str, today: date) -> None:
    """Usage history, at most one row a day per (account, e-mail); the cache spares the query."""
    if cache.add(f"esecure:usage:{account_id}:{email}:{today.isoformat()}", 1, 60 * 60 * 26):
        UsageRecord.objects.bulk_create(
            [UsageRecord(account_id=account_id, email=email, used_on=today)],
            ignore_conflicts=True,
        )


def _request_create(*, protected_account_id: int, email: str, name: str, language: str) -> int:
    """A new pending request for (account, e-mail), written with the sender's pending row; a
    task e-mails every active admin and the requester after the commit. A unique constraint
    makes concurrent first checks create exactly one: the others get its id."""
    try:
        with transaction.atomic():
            request = AccessRequest.objects.create(
                protected_account_id=protected_account_id,
                email=email,
                name=name[:200],
                language=language if language in ("fr", "en", "nl", "de") else "fr",
                expires_at=timezone.now() + timedelta(days=settings.ESECURE_REQUEST_EXPIRY_DAYS),
            )
            AuthorizedSender.objects.bulk_create(
                [
                    AuthorizedSender(
                        protected_account_id=protected_account_id,
                        email=email,
                        name=name[:200],
                        origin=Origin.REQUEST,
                        status=SenderStatus.PENDING,
                    )
                ],
                ignore_conflicts=True,
            )
            transaction.on_commit(lambda: request_notify.delay(request.pk))
    except IntegrityError:
        return AccessRequest.objects.get(
            protected_account_id=protected_account_id, email=email, status=RequestStatus.PENDING
        ).pk
    return request.pk
