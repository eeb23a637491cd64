"""API-key authentication: which active person holds this key, and do they hold a right.

It runs on every call of the machine API, so it is one hand-written statement that PostgreSQL
prepares once per connection (common.sql): the key's usable rows with their holder and, when
asked, whether the holder holds a right (`holds_anywhere_sql`). The ORM form cost 2-4 ms of
Python to build and 1-9 ms of planning per call (bench/README.md).
"""

import hmac
from datetime import timedelta

from django.db import connection
from django.utils import timezone

from common.apikeys import PREFIX_LENGTH, api_key_digest, is_well_formed
from common.sql import ModelColumns, convert_value, per_vendor, prepared_cursor, sql_text

from ..models import ApiKey, User
from .holdings import holds_anywhere_params, holds_anywhere_sql

LAST_USED_RESOLUTION = timedelta(minutes=1)  # at most one write per key and minute

_HOLDER = ModelColumns(User, "u")

# Usable keys of a prefix (not revoked, not past a regenerated key's grace period), with their
# holder; {permission_ok} is the right's question, or NULL without one.
_KEY_SQL = """
SELECT k.id, k.key_hash, k.last_used_at, {permission_ok} AS permission_ok, {holder}
FROM {apikey} k JOIN {user} u ON u.id = k.user_id
WHERE k.prefix = %(prefix)s AND k.revoked_at IS NULL
  AND (k.expires_at IS NULL OR k.expires_at > %(now)s)
"""

_TOUCH_SQL = "UPDATE {apikey} SET last_used_at = %(now)s WHERE id = %(id)s"


def _key_sql(permission_ok: str) -> str:
    return sql_text(
        _KEY_SQL,
        {"apikey": ApiKey, "user": User},
        holder=_HOLDER.columns(),
        permission_ok=permission_ok,
    )


_key_only = per_vendor(lambda: _key_sql("NULL"))
_key_with_right = per_vendor(lambda: _key_sql(holds_anywhere_sql(outer_user="k.user_id")))
_touch = per_vendor(lambda: sql_text(_TOUCH_SQL, {"apikey": ApiKey}))


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
    prefix = key[:PREFIX_LENGTH]
    if permission is None:
        sql = _key_only()
        params = {"prefix": prefix, "now": connection.ops.adapt_datetimefield_value(now)}
    else:
        sql = _key_with_right()
        params = holds_anywhere_params(
            prefix=prefix, application=permission[0], permission=permission[1], now=now
        )
    with prepared_cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
        for key_id, key_hash, last_used_at, permission_ok, *holder in rows:
            if not hmac.compare_digest(key_hash, digest):
                continue
            user = _HOLDER.build(holder)
            if not user.is_active:
                continue
            last_used_at = convert_value(ApiKey, "last_used_at", last_used_at)
            if last_used_at is None or now - last_used_at > LAST_USED_RESOLUTION:
                cursor.execute(_touch(), {"now": params["now"], "id": key_id})
            ok = None if permission is None else bool(permission_ok)
            user.api_permission_ok = ok  # type: ignore[attr-defined]
            return user
    return None
