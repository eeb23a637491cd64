"""What only carrier support staff do on eSecure, from the Django admin (the rest goes through
the same services as the customer admins' area: onboarding, senders, domains, admins,
accounts). Each change is audited."""

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.services import AuditKind, audit_record
from notifications.services import messages_settle

from ..jobs import request_topic
from ..models import AccessRequest, DecisionLink, RequestStatus


@transaction.atomic
def requests_expire_now(
    *, requests: Iterable[AccessRequest], actor: User, ip_address: str | None = None
) -> int:
    """Expires pending requests before their time: their links stop working and the requester
    may ask again. Decided requests are left as they are."""
    ids = [r.pk for r in requests]
    rows = (
        AccessRequest.objects.select_for_update(of=("self",))
        .select_related("protected_account__account__company")
        .filter(pk__in=ids, status=RequestStatus.PENDING)
    )
    now = timezone.now()
    expired = 0
    for request in rows:
        request.status = RequestStatus.EXPIRED
        request.save(update_fields=["status"])
        DecisionLink.objects.filter(request=request, used_at__isnull=True).update(expires_at=now)
        audit_record(
            actor=actor,
            company=request.protected_account.account.company,
            kind=AuditKind.ESECURE_REQUEST_EXPIRED,
            target=request,
            before={"status": RequestStatus.PENDING},
            after={"status": RequestStatus.EXPIRED, "via": "support"},
            ip_address=ip_address,
        )
        messages_settle(topic=request_topic(request.pk))
        expired += 1
    return expired
