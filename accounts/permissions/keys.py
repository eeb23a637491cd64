"""API-key authentication: which active person holds this key, and do they hold a right."""

import hmac
from datetime import timedelta

from django.utils import timezone

from common.apikeys import PREFIX_LENGTH, api_key_digest, is_well_formed

from ..models import ApiKey, User
from .holdings import holds_anywhere

LAST_USED_RESOLUTION = timedelta(minutes=1)  # at most one write per key and minute


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
                prefix=key[:PREFIX_LENGTH],
                application=permission[0],
                permission=permission[1],
                now=now,
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
