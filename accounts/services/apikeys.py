"""API keys (« clé de connexion WS »): issued, regenerated with a grace period, revoked."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from common.apikeys import PREFIX_LENGTH, api_key_digest, new_api_key

from ..models import ApiKey, AuditKind, User
from .audit import audit_record


@transaction.atomic
def api_key_issue(*, user: User, actor: User, ip_address: str | None = None) -> tuple[ApiKey, str]:
    """Issues a new key, returned in clear once; a previous key keeps working for the grace
    period (API_KEY_GRACE_HOURS) so that integrations can switch."""
    now = timezone.now()
    grace_ends = now + timedelta(hours=settings.API_KEY_GRACE_HOURS)
    previous = ApiKey.objects.usable(now=now).filter(user=user)
    replaced = list(previous.filter(Q(expires_at__isnull=True)).values_list("prefix", flat=True))
    previous.filter(Q(expires_at__isnull=True)).update(expires_at=grace_ends)
    plaintext = new_api_key()
    key = ApiKey.objects.create(
        user=user,
        prefix=plaintext[:PREFIX_LENGTH],
        key_hash=api_key_digest(plaintext),
        created_by=actor,
    )
    audit_record(
        actor=actor,
        company=None,
        kind=AuditKind.API_KEY_REGENERATED if replaced else AuditKind.API_KEY_ISSUED,
        target=user,
        before={"keys": replaced} if replaced else None,
        after={
            "key": key.prefix,
            "previous_valid_until": grace_ends.isoformat() if replaced else None,
        },
        ip_address=ip_address,
    )
    return key, plaintext


@transaction.atomic
def api_key_revoke_all(*, user: User, actor: User | None, ip_address: str | None = None) -> int:
    """Revokes every key of a person at once (deactivation)."""
    count = ApiKey.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if count:
        audit_record(
            actor=actor,
            company=None,
            kind=AuditKind.API_KEY_REVOKED,
            target=user,
            after={"revoked": count},
            ip_address=ip_address,
        )
    return count
