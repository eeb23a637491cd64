"""The sender check: may this e-mail ship on this account number? (SPEC C5, C9)

Allowed and denied answers cost one query (plus the API key's); only a new pending request
writes, once per (account, e-mail), whatever the number of concurrent checks.
"""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone

from accounts.models import CustomerAccount
from accounts.services import AuditKind, audit_record
from common.links import new_link_key
from notifications import emails
from notifications.services import message_create

from ..models import (
    AccessRequest,
    AuthorizedDomain,
    AuthorizedSender,
    CustomerAdmin,
    DecisionLink,
    DecisionLinkAction,
    Origin,
    ProtectedAccount,
    RequestStatus,
    SenderStatus,
    Status,
    UsageRecord,
)


class UnknownAccount(Exception):
    """No customer account has this number."""


@dataclass(frozen=True)
class CheckResult:
    decision: str  # "allowed" | "pending" | "denied"
    reason: str
    request_id: int | None = None


def _lookup(account_number: str, email: str) -> Any:
    """Account, protection, the sender's standing and the domain's, in one query."""
    domain = email.rsplit("@", 1)[1]
    protection = OuterRef("protection")
    return (
        CustomerAccount.objects.filter(number=account_number)
        .annotate(
            protection_id=F("protection__id"),
            protection_active=F("protection__is_active"),
            starts_on=F("protection__starts_on"),
            ends_on=F("protection__ends_on"),
            sender_status=Subquery(
                AuthorizedSender.objects.filter(protected_account=protection, email=email).values(
                    "status"
                )[:1]
            ),
            domain_active=Exists(
                AuthorizedDomain.objects.filter(
                    protected_account=protection, domain=domain, status=Status.ACTIVE
                )
            ),
        )
        .values(
            "pk",
            "protection_id",
            "protection_active",
            "starts_on",
            "ends_on",
            "sender_status",
            "domain_active",
        )
        .first()
    )


def sender_check(
    *, account_number: str, email: str, name: str = "", language: str = "fr"
) -> CheckResult:
    """The rules, in order: protection off or outside its dates → allowed; e-mail approved or its
    domain active → allowed; e-mail rejected → denied; otherwise one pending request per
    (account, e-mail) → pending. `email` must already be normalised (lower case)."""
    row = _lookup(account_number, email)
    if row is None:
        raise UnknownAccount(account_number)
    _record_usage(account_id=row["pk"], email=email)
    today = timezone.localdate()
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
    request = request_open(
        protected_account_id=row["protection_id"], email=email, name=name, language=language
    )
    return CheckResult("pending", "waiting for an administrator's decision", request.pk)


def _record_usage(*, account_id: int, email: str) -> None:
    """Usage history, at most one row a day per (account, e-mail); the cache spares the query."""
    today = timezone.localdate()
    if cache.add(f"esecure:usage:{account_id}:{email}:{today.isoformat()}", 1, 60 * 60 * 26):
        UsageRecord.objects.bulk_create(
            [UsageRecord(account_id=account_id, email=email, used_on=today)],
            ignore_conflicts=True,
        )


def request_open(
    *, protected_account_id: int, email: str, name: str = "", language: str = "fr"
) -> AccessRequest:
    """The pending request for (account, e-mail); a new one e-mails every active admin and the
    requester. A unique constraint makes concurrent first checks create exactly one."""
    existing = AccessRequest.objects.filter(
        protected_account_id=protected_account_id, email=email, status=RequestStatus.PENDING
    ).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return _request_create(
                protected_account_id=protected_account_id, email=email, name=name, language=language
            )
    except IntegrityError:
        return AccessRequest.objects.get(
            protected_account_id=protected_account_id, email=email, status=RequestStatus.PENDING
        )


def _request_create(
    *, protected_account_id: int, email: str, name: str, language: str
) -> AccessRequest:
    now = timezone.now()
    protected = ProtectedAccount.objects.select_related("account__company").get(
        pk=protected_account_id
    )
    request = AccessRequest.objects.create(
        protected_account=protected,
        email=email,
        name=name[:200],
        language=language if language in ("fr", "en", "nl", "de") else "fr",
        expires_at=now + timedelta(days=settings.ESECURE_REQUEST_EXPIRY_DAYS),
    )
    AuthorizedSender.objects.get_or_create(
        protected_account=protected,
        email=email,
        defaults={"name": name[:200], "origin": Origin.REQUEST, "status": SenderStatus.PENDING},
    )
    admins = list(
        CustomerAdmin.objects.filter(
            protected_account=protected, status=Status.ACTIVE, user__is_active=True
        ).select_related("user")
    )
    link_expiry = now + timedelta(days=settings.ESECURE_LINK_EXPIRY_DAYS)
    for admin in admins:
        urls = {}
        for action in DecisionLinkAction.values:
            key, digest = new_link_key()
            DecisionLink.objects.create(
                request=request,
                admin=admin.user,
                action=action,
                key_hash=digest,
                expires_at=link_expiry,
            )
            urls[action] = settings.SITE_URL + reverse("approvals:decision-link", args=[key])
        emails.send_esecure_approval_request(
            user=admin.user,
            account_number=protected.account.number,
            company_name=protected.account.company.name,
            requester_email=email,
            requester_name=name,
            approve_url=urls[DecisionLinkAction.APPROVE],
            reject_url=urls[DecisionLinkAction.REJECT],
            portal_url=settings.SITE_URL + reverse("approvals:sender-list"),
            valid_days=settings.ESECURE_LINK_EXPIRY_DAYS,
        )
    _post_inbox_messages(admins=admins, protected=protected, email=email, request_id=request.pk)
    contacts = (
        [
            {"name": a.user.display_name, "email": a.user.email, "phone": a.user.phone}
            for a in admins
        ]
        if protected.show_admin_contacts
        else []
    )
    emails.send_esecure_request_received(
        recipient=email,
        language=request.language,
        requester_name=name,
        account_number=protected.account.number,
        contacts=contacts,
    )
    audit_record(
        actor=None,
        actor_repr=email,
        company=protected.account.company,
        kind=AuditKind.ESECURE_REQUEST_CREATED,
        target=request,
        after={"account": protected.account.number, "email": email, "admins": len(admins)},
    )
    return request


def request_topic(request_id: int) -> str:
    """What the admins' inbox messages about a request announce: closed once it is settled."""
    return f"esecure.request:{request_id}"


def _post_inbox_messages(
    *, admins, protected: ProtectedAccount, email: str, request_id: int
) -> None:
    """A message in each admin's portal inbox (SPEC C7: pending approvals), worded in the
    language they read the portal in; closed for all once the request is settled."""
    url = reverse("approvals:sender-list") + "?status=pending"
    for admin in admins:
        message_create(
            user=admin.user,
            company=protected.account.company,
            kind="esecure.request",
            params={"email": email, "account": protected.account.number},
            action_url=url,
            topic=request_topic(request_id),
        )
