"""The cascade: what was handed on from a received grant follows it (narrowed to it, revoked
with it), each change audited. Used by the router services."""

from dataclasses import dataclass, field
from datetime import datetime

from accounts.models import OPEN_GRANT_STATUSES, Grant, GrantStatus, User
from accounts.permissions import SCOPE_DIMENSIONS, Scope, grants_with_scopes
from accounts.services import AuditKind, audit_record

OPEN = OPEN_GRANT_STATUSES


@dataclass
class Cascade:
    """What a change to a received grant did to what was handed on from it."""

    narrowed: list[Grant] = field(default_factory=list)
    revoked: list[Grant] = field(default_factory=list)

    def memberships(self) -> set[int]:
        return {g.membership_id for g in self.narrowed + self.revoked if g.membership_id}


def set_scope(grant: Grant, scope: Scope) -> None:
    for name in SCOPE_DIMENSIONS:
        getattr(grant, name).set(getattr(scope, name))


def revoke(grant: Grant, *, now: datetime) -> None:
    grant.status, grant.revoked_at = GrantStatus.REVOKED, now
    grant.save(update_fields=["status", "revoked_at", "updated_at"])


def cascade_from(
    parent: Grant, *, actor: User | None, now: datetime, ip_address: str | None
) -> Cascade:
    """Brings what was handed on from `parent` within it: revoked with it, or narrowed to it
    (revoked when no account is left). One audit row per person changed."""
    result = Cascade()
    parent_scope = Scope.of_grant(parent) if parent.status != GrantStatus.REVOKED else Scope()
    children = grants_with_scopes(
        Grant.objects.filter(parent=parent, status__in=OPEN).select_related("membership")
    )
    for child in children:
        before = Scope.of_grant(child)
        after = before & parent_scope
        if after == before:
            continue
        if not after.accounts:
            revoke(child, now=now)
            result.revoked.append(child)
        else:
            set_scope(child, after)
            result.narrowed.append(child)
        audit_record(
            actor=actor,
            company=parent.holder_company,
            kind=AuditKind.RIGHTS_CASCADED,
            target=child.membership,
            before={"permission": child.permission.code, **before.as_dict()},
            after={
                "permission": child.permission.code,
                "from_customer": parent.grantor_company_id,
                **(after.as_dict() if after.accounts else {"revoked": True}),
            },
            ip_address=ip_address,
        )
    return result
