"""Writes of rights: set a member's rights on an application, copy rights. Always under the
actor's ceiling: only what is added is checked (removing a right never escalates)."""

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications import emails

from ..models import Application, AuditKind, Grant, GrantStatus, Membership, Permission, User
from ..permissions import (
    SCOPE_DIMENSIONS,
    Ceiling,
    Scope,
    grants_with_scopes,
    profile_errors,
    scope_errors,
)
from .audit import audit_record


def _current(membership: Membership, application: Application) -> dict[int, tuple[Grant, Scope]]:
    grants = grants_with_scopes(
        Grant.objects.active()
        .direct()
        .filter(membership=membership, permission__application=application)
    )
    return {g.permission_id: (g, Scope.of_grant(g)) for g in grants}


def _describe(rights: Mapping[int, Scope], names: Mapping[int, str]) -> dict:
    return {names[pk]: scope.as_dict() for pk, scope in sorted(rights.items())}


@dataclass
class RightsChange:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.added or self.changed or self.removed)


def rights_errors(
    *,
    membership: Membership,
    application: Application,
    rights: Mapping[Permission, Scope],
    ceiling: Ceiling,
) -> list[str]:
    """Every reason why `rights` cannot replace the member's rights on `application`."""
    errors: list[str] = []
    if membership.company_id != ceiling.company_id:
        return [_("Cette personne n'appartient pas à la société.")]
    current = _current(membership, application)
    for permission, scope in rights.items():
        if permission.application_id != application.pk:
            errors.append(_("Droit inconnu pour cette application."))
            continue
        errors.extend(
            scope_errors(company=membership.company, application=application, scope=scope)
        )
        if permission.pk in current:
            increment = scope - current[permission.pk][1]
            if increment.is_empty():
                continue  # nothing added: keeping or narrowing a right never escalates
        else:
            increment = scope
        decision = ceiling.can_grant(permission, increment)
        if not decision:
            errors.append(decision.reason)
    errors.extend(profile_errors(application=application, rights=rights))
    return list(dict.fromkeys(errors))  # one of each, in order


@transaction.atomic
def rights_set(
    *,
    membership: Membership,
    application: Application,
    rights: Mapping[Permission, Scope],
    actor: User,
    ip_address: str | None = None,
    notify: bool = True,
    copied_from: str = "",
) -> RightsChange:
    """Replaces a member's rights on one application; what is added must be within the actor's
    ceiling, the result must fit a profile. All or nothing: raises ValidationError otherwise.
    `copied_from` (a username) records in the audit log that the rights came from a copy."""
    return rights_replace(
        membership=membership,
        application=application,
        rights=rights,
        actor=actor,
        ceiling=Ceiling.for_actor(actor=actor, company=membership.company),
        ip_address=ip_address,
        notify=notify,
        copied_from=copied_from,
    )


def rights_replace(
    *,
    membership: Membership,
    application: Application,
    rights: Mapping[Permission, Scope],
    actor: User,
    ceiling: Ceiling,
    ip_address: str | None = None,
    notify: bool = True,
    copied_from: str = "",
) -> RightsChange:
    """`rights_set` under a ceiling the calling service built from its actor (for services that
    set several applications at once); never called from outside the services."""
    errors = rights_errors(
        membership=membership, application=application, rights=rights, ceiling=ceiling
    )
    if errors:
        raise ValidationError(errors)
    Membership.objects.select_for_update().filter(pk=membership.pk).first()
    current = _current(membership, application)
    wanted = {p.pk: s for p, s in rights.items()}
    names = {p.pk: p.code for p in application.permissions.all()}
    change = RightsChange()
    now = timezone.now()
    for pk, (grant, _scope) in current.items():
        if pk not in wanted:
            grant.status, grant.revoked_at = GrantStatus.REVOKED, now
            grant.save(update_fields=["status", "revoked_at", "updated_at"])
            change.removed.append(names[pk])
    for pk, scope in wanted.items():
        if pk in current and current[pk][1] == scope:
            continue
        grant = (
            current[pk][0]
            if pk in current
            else Grant.objects.create(
                membership=membership,
                grantor_company=membership.company,
                permission_id=pk,
                granted_by=actor,
            )
        )
        for name in SCOPE_DIMENSIONS:
            getattr(grant, name).set(getattr(scope, name))
        (change.changed if pk in current else change.added).append(names[pk])
    if change:
        audit_record(
            actor=actor,
            company=membership.company,
            kind=AuditKind.RIGHTS_CHANGED,
            target=membership,
            before={
                "application": application.code,
                **_describe({k: v[1] for k, v in current.items()}, names),
            },
            after={
                "application": application.code,
                **_describe(wanted, names),
                **({"copied_from": copied_from} if copied_from else {}),
            },
            ip_address=ip_address,
        )
        if notify and membership.user.email and membership.is_active:
            emails.send_rights_changed(
                user=membership.user,
                company_name=membership.company.name,
                lines=rights_lines(membership=membership),
            )
    return change


def rights_lines(*, membership: Membership) -> list[dict]:
    """A readable list of a member's rights for e-mails: application, right, where."""
    grants = grants_with_scopes(
        Grant.objects.active().direct().filter(membership=membership)
    ).order_by("permission__application__position", "permission__position")
    lines = []
    for grant in grants:
        where = [a.number for a in grant.accounts.all()] + [
            b.name for b in grant.billing_addresses.all()
        ]
        lines.append(
            {
                "application": grant.permission.application.label,
                "permission": grant.permission.label,
                "where": ", ".join(where),
            }
        )
    return lines


@dataclass
class CopyPreview:
    """What copying would add, and what the actor's ceiling (or the profile) drops."""

    rights: dict[Permission, Scope]
    added: list[tuple[Permission, Scope]]
    dropped: list[str]
    errors: list[str]


def rights_copy_preview(
    *,
    source: Mapping[int, Scope],
    membership: Membership,
    application: Application,
    ceiling: Ceiling,
) -> CopyPreview:
    """The target's rights on `application` plus the source's, less what the ceiling refuses."""
    current = {pk: scope for pk, (_g, scope) in _current(membership, application).items()}
    permissions = {p.pk: p for p in application.permissions.filter(is_active=True)}
    result = {permissions[pk]: scope for pk, scope in current.items() if pk in permissions}
    added, dropped = [], []
    for pk, scope in source.items():
        permission = permissions.get(pk)
        if permission is None:
            continue
        new = scope - current.get(pk, Scope())
        if new.is_empty():
            continue
        decision = ceiling.can_grant(permission, new)
        if not decision:
            # Keep what the ceiling allows, item by item.
            allowed = _within(ceiling, permission, new)
            dropped.append(decision.reason)
            new = allowed
            if new.is_empty():
                continue
        result[permission] = result.get(permission, Scope()) | new
        added.append((permission, new))
    errors = (
        []
        if not added
        else rights_errors(
            membership=membership, application=application, rights=result, ceiling=ceiling
        )
    )
    return CopyPreview(rights=result, added=added, dropped=dropped, errors=errors)


def _within(ceiling: Ceiling, permission: Permission, scope: Scope) -> Scope:
    if ceiling.unlimited:
        return scope
    held = ceiling.scope_of(permission)
    return Scope(**{n: getattr(scope, n) & getattr(held, n) for n in SCOPE_DIMENSIONS})
