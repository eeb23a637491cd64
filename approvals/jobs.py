"""What the worker does for eSecure requests, called by `approvals.tasks` with ids: notify a new
request (decision links, e-mails, inbox messages), catch up on requests left unnotified, expire
old requests. Each is safe to run again: a request is notified once."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.services import AuditKind, audit_record
from common.links import new_link_key
from notifications import emails
from notifications.services import message_create, messages_settle

from .models import (
    AccessRequest,
    CustomerAdmin,
    DecisionLink,
    DecisionLinkAction,
    ProtectedAccount,
    RequestStatus,
    Status,
)


def request_notify(*, request_id: int) -> bool:
    """Decision links and an e-mail for each active admin of the account, a message in their
    portal inbox, the acknowledgement to the requester, the audit row; False when the request
    was already notified (or is no longer pending). The claim (`notified_at`) and what it makes
    commit together: run twice, at the same time or later, it sends once; when it fails, nothing
    is kept and the next run does it all. E-mails leave the outbox after the commit."""
    now = timezone.now()
    with transaction.atomic():
        claimed = AccessRequest.objects.filter(
            pk=request_id, status=RequestStatus.PENDING, notified_at__isnull=True
        ).update(notified_at=now)
        if not claimed:
            return False
        request = AccessRequest.objects.select_related("protected_account__account__company").get(
            pk=request_id
        )
        _notify(request, now=now)
    return True


def requests_notify_stale(*, now=None) -> list[int]:
    """Pending requests whose notification did not happen: their ids, to queue again."""
    now = now or timezone.now()
    return list(
        AccessRequest.objects.filter(
            status=RequestStatus.PENDING,
            notified_at__isnull=True,
            # Still unnotified this long after its creation: its task was lost (broker down,
            # worker killed before the commit), so it is queued again.
            created_at__lte=now - timedelta(seconds=settings.ESECURE_NOTIFY_STALE_SECONDS),
        ).values_list("pk", flat=True)[:500]
    )


def requests_expire(*, now=None) -> int:
    """Pending requests past their expiry become expired; the requester may then ask again."""
    now = now or timezone.now()
    expired = 0
    pending = AccessRequest.objects.filter(status=RequestStatus.PENDING, expires_at__lte=now)
    for request in pending.select_related("protected_account__account__company"):
        with transaction.atomic():
            updated = AccessRequest.objects.filter(
                pk=request.pk, status=RequestStatus.PENDING
            ).update(status=RequestStatus.EXPIRED)
            if updated:
                DecisionLink.objects.filter(request=request, used_at__isnull=True).update(
                    expires_at=now
                )
                audit_record(
                    actor=None,
                    company=request.protected_account.account.company,
                    kind=AuditKind.ESECURE_REQUEST_EXPIRED,
                    target=request,
                )
                messages_settle(topic=request_topic(request.pk))
                expired += updated
    return expired


def _notify(request: AccessRequest, *, now) -> None:
    protected = request.protected_account
    email, name = request.email, request.name
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
