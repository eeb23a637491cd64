"""The one access module: may this person see this object (else 404), may they do this (else
403), may they grant this (the rights ceiling, with the reason when not), and what they hold.

- `holdings`: the one definition of an active holding, and every reader of it;
- `ceiling`: the rights ceiling (`Ceiling.can_grant`), scope and profile validity;
- `decorators`: view guards (`company_required`, `admin_required`, `staff_required`) and the
  routes of one object (`object_view`, `admin_object_view`: the object first, 404 for others);
- `api`: API-key authentication for the machine API (imported by the API modules only).

Every path that hands out rights (forms, copy, imports, API, provider grants) asks `Ceiling`.
"""

from .ceiling import (
    ALLOWED,
    MANAGEMENT_RIGHTS,
    SCOPE_DIMENSIONS,
    Ceiling,
    Decision,
    Scope,
    can_grant,
    grants_with_scopes,
    held_rights,
    management_errors,
    profile_errors,
    scope_errors,
)
from .decorators import (
    WRITE_ONLY,
    admin_object_view,
    admin_required,
    company_required,
    object_view,
    staff_required,
)
from .holdings import (
    Holding,
    account_counts_q,
    catalog_counts_q,
    grant_counts_q,
    holding_grants,
    holdings_for,
    holds_anywhere_params,
    holds_anywhere_sql,
    may_hold_api_key,
    member_counts,
    member_counts_q,
)
from .keys import api_key_authenticate

__all__ = [
    "ALLOWED",
    "MANAGEMENT_RIGHTS",
    "SCOPE_DIMENSIONS",
    "WRITE_ONLY",
    "Ceiling",
    "Decision",
    "Holding",
    "Scope",
    "account_counts_q",
    "admin_object_view",
    "admin_required",
    "api_key_authenticate",
    "can_grant",
    "catalog_counts_q",
    "company_required",
    "grant_counts_q",
    "grants_with_scopes",
    "held_rights",
    "holding_grants",
    "holdings_for",
    "holds_anywhere_params",
    "holds_anywhere_sql",
    "management_errors",
    "may_hold_api_key",
    "member_counts",
    "member_counts_q",
    "object_view",
    "profile_errors",
    "scope_errors",
    "staff_required",
]
