"""Decisions on access requests: from an e-mailed link (GET shows, POST decides) or the portal."""

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.services import AuditKind, audit_record
from common.links import FoundLink, LinkState, link_claim
from common.links import link_lookup as common_link_lookup
from notifications import emails
from notifications.services import messages_settle

from ..jobs import request_topic
from ..models import (
    AccessRequest,
    AuthorizedSender,
    DecisionLink,
    DecisionLinkAction,
    Origin,
    RequestStatus,
    SenderStatus,
)

DECIDED = "decided"  # a decision link's own closed state: its request was decided


def _request_closed(link: DecisionLink) -> str | None:
    """Decided here, by another admin or in the portal; or expired with its request."""
    if link.request.status in (RequestStatus.APPROVED, RequestStatus.REJECTED):
        return DECIDED
    if link.request.status == RequestStatus.EXPIRED:
        return LinkState.EXPIRED
    return None


def link_lookup(*, key: str) -> FoundLink[DecisionLink]:
    """A link by the digest of its key and what it can do now: open, decided, expired or
    unknown. Never changes anything (safe for GET and HEAD)."""
    found = common_link_lookup(
        DecisionLink.objects.select_related(
            "request__protected_account__account__company", "request__decided_by", "admin"
        ),
        key,
        closed=_request_closed,
    )
    if found.state == LinkState.USED:  # deciding spends every link of the request
        return FoundLink(found.link, DECIDED)
    return found


def request_decide(
    *,
    request: AccessRequest,
    approve: bool,
    actor: User,
    via: str,
    ip_address: str | None = None,
) -> bool:
    """Approves or rejects a pending request once: the first decision wins, later ones change
    nothing. The sender's standing follows, every link of the request is spent, the requester is
    told. Returns whether this call decided."""
    with transaction.atomic():
        locked = (
            AccessRequest.objects.select_for_update()
            .select_related("protected_account__account__company")
            .get(pk=request.pk)
        )
        if locked.status != RequestStatus.PENDING:
            return False
        now = timezone.now()
        locked.status = RequestStatus.APPROVED if approve else RequestStatus.REJECTED
        locked.decided_at, locked.decided_by = now, actor
        locked.save(update_fields=["status", "decided_at", "decided_by"])
        sender, _created = AuthorizedSender.objects.get_or_create(
            protected_account=locked.protected_account,
            email=locked.email,
            defaults={"name": locked.name, "origin": Origin.REQUEST},
        )
        before = sender.status
        sender.status = SenderStatus.APPROVED if approve else SenderStatus.REJECTED
        sender.assigned_by, sender.modified_at = actor, now
        sender.save(update_fields=["status", "assigned_by", "modified_at"])
        DecisionLink.objects.filter(request=locked, used_at__isnull=True).update(used_at=now)
        audit_record(
            actor=actor,
            company=locked.protected_account.account.company,
            kind=(
                AuditKind.ESECURE_REQUEST_APPROVED
                if approve
                else AuditKind.ESECURE_REQUEST_REJECTED
            ),
            target=locked,
            before={"sender_status": before},
            after={"sender_status": sender.status, "via": via},
            ip_address=ip_address,
        )
        emails.send_esecure_decision(
            recipient=locked.email,
            language=locked.language,
            requester_name=locked.name,
            account_number=locked.protected_account.account.number,
            approved=approve,
        )
        messages_settle(topic=request_topic(locked.pk))
    return True


def link_decide(*, key: str, ip_address: str | None = None) -> tuple[FoundLink[DecisionLink], bool]:
    """The POST behind a link's confirm button: claims the link, then decides as its admin.
    A second POST of the same link finds it used and decides nothing. Returns the link's state
    afterwards and whether this call made the decision."""
    found = link_lookup(key=key)
    if found.link is None or not found.is_open:
        return found, False
    link = found.link
    with transaction.atomic():
        decided = link_claim(link) and request_decide(
            request=link.request,
            approve=link.action == DecisionLinkAction.APPROVE,
            actor=link.admin,
            via="link",
            ip_address=ip_address,
        )
    return link_lookup(key=key), decided
