"""API keys (« clé de connexion WS »): issued, regenerated with a grace period, revoked."""

import hmac
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import OuterRef, Q
from django.utils import timezone

from common.apikeys import PREFIX_LENGTH, api_key_digest, is_well_formed, new_api_key

from ..models import ApiKey, AuditKind, User
from ..permissions.holdings import holds_anywhere
from .audit import audit_record

LAST_USED_RESOLUTION = timedelta(minutes=1)  # at most one write per key and minute


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


def api_key_authenticate(*, key: str, permission: tuple[str, str] | None = None) -> User | None:
    """The active person holding this key, or None; records when the key was last used.

    With `permission` (application code, permission code), the same query also tells whether
    the holder holds that right on at least one account (the access module's definition of a
    holding): `user.api_permission_ok`.
    """
    if not is_well_formed(key):
        return None
    digest = api_key_digest(key)
    now = timezone.now()
    candidates = (
        ApiKey.objects.usable(now=now)
        .filter(prefix=key[:PREFIX_LENGTH])
        .select_related("user")
        .order_by()  # no sort needed: there is one key per prefix in practice
    )
    if permission is not None:
        candidates = candidates.annotate(
            permission_ok=holds_anywhere(
                OuterRef("user"), application=permission[0], permission=permission[1], now=now
            )
        )
    for candidate in candidates:
        if hmac.compare_digest(candidate.key_hash, digest) and candidate.user.is_active:
            if (
                candidate.last_used_at is None
                or now - candidate.last_used_at > LAST_USED_RESOLUTION
            ):
                ApiKey.objects.filter(pk=candidate.pk).update(last_used_at=now)
            user = candidate.user
            user.api_permission_ok = getattr(candidate, "permission_ok", None)
            return user
    return None
