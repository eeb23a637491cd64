"""Router grants (bpost « Routeurs »): a customer grants a router company rights on its own
accounts; one of the router's administrators accepts them and hands them on to the router's own
users, never beyond what was received. Narrowing or withdrawing a received grant narrows or
withdraws everything handed on from it, in the same transaction, each change audited.

Received grants are `Grant` rows held by the router company (`holder_company`), given by the
customer (`grantor_company`); what is handed on is a `Grant` of a router's membership whose
`parent` is the received grant. Whether any of it counts is decided by the one rights engine
(`accounts.permissions.holdings`).
"""

from collections.abc import Mapping
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import (
    OPEN_GRANT_STATUSES,
    Application,
    Company,
    Grant,
    GrantStatus,
    Membership,
    MembershipKind,
    Permission,
    User,
)
from accounts.permissions import (
    SCOPE_DIMENSIONS,
    Ceiling,
    Scope,
    grants_with_scopes,
    member_counts,
    profile_errors,
    scope_errors,
)
from accounts.services import AuditKind, audit_record

from . import notices
from .cascade import Cascade, cascade_from, revoke, set_scope

OPEN = OPEN_GRANT_STATUSES


def _received(*, customer: Company, router: Company, application: Application | None = None):
    grants = Grant.objects.received().filter(
        holder_company=router, grantor_company=customer, status__in=OPEN
    )
    if application is not None:
        grants = grants.filter(permission__application=application)
    return grants_with_scopes(grants)


# --- The customer's side -----------------------------------------------------------------------


def _router_or_error(router: Company, company: Company) -> None:
    if not router.is_router or not router.is_active or router.pk == company.pk:
        raise ValidationError(_("Cette société n'est pas un routeur de l'annuaire."))


@transaction.atomic
def router_rights_set(
    *,
    company: Company,
    router: Company,
    application: Application,
    rights: Mapping[Permission, Scope],
    actor: User,
    ends_at: datetime | None = None,
    ip_address: str | None = None,
) -> Cascade:
    """Sets what a router company receives from this customer on one application, under the
    actor's ceiling (only what is added is checked). New rights wait for the router's
    acceptance; narrowing or removing a right cascades to what the router handed on."""
    _router_or_error(router, company)
    ceiling = Ceiling.for_actor(actor=actor, company=company)
    current = {g.permission_id: g for g in _received(customer=company, router=router)}
    current = {pk: g for pk, g in current.items() if g.permission.application_id == application.pk}
    errors: list[str] = []
    for permission, scope in rights.items():
        if permission.application_id != application.pk:
            errors.append(_("Droit inconnu pour cette application."))
            continue
        errors.extend(scope_errors(company=company, application=application, scope=scope))
        held = Scope.of_grant(current[permission.pk]) if permission.pk in current else Scope()
        decision = ceiling.can_grant(permission, scope - held)
        if not decision:
            errors.append(decision.reason)
    errors.extend(profile_errors(application=application, rights=rights))
    if ends_at is not None and ends_at <= timezone.now():
        errors.append(_("La date de fin doit être dans le futur."))
    if errors:
        raise ValidationError(list(dict.fromkeys(errors)))
    now = timezone.now()
    cascade = Cascade()
    offered: list[Grant] = []
    wanted = {p.pk: (p, s) for p, s in rights.items()}
    for pk, grant in current.items():
        if pk not in wanted:
            revoke(grant, now=now)
            _merge(cascade, cascade_from(grant, actor=actor, now=now, ip_address=ip_address))
    for pk, (permission, scope) in wanted.items():
        grant = current.get(pk)
        if grant is None:
            grant = Grant.objects.create(
                holder_company=router,
                grantor_company=company,
                permission=permission,
                status=GrantStatus.PENDING,
                granted_by=actor,
                ends_at=ends_at,
            )
            offered.append(grant)
        elif grant.ends_at != ends_at:
            grant.ends_at = ends_at
            grant.save(update_fields=["ends_at", "updated_at"])
        set_scope(grant, scope)
        _merge(cascade, cascade_from(grant, actor=actor, now=now, ip_address=ip_address))
    audit_record(
        actor=actor,
        company=company,
        kind=AuditKind.ROUTER_RIGHTS_OFFERED,
        target=router,
        after={
            "router": router.name,
            "application": application.code,
            "rights": {p.code: s.as_dict() for p, s in rights.items()},
            "ends_at": ends_at.isoformat() if ends_at else None,
        },
        ip_address=ip_address,
    )
    if offered:
        notices.offered(
            customer=company,
            router=router,
            grants=list(grants_with_scopes(Grant.objects.filter(pk__in=[g.pk for g in offered]))),
        )
    if cascade.memberships():
        notices.closed(
            customer=company, router=router, reason="narrowed", cascade=cascade, tell=router
        )
    return cascade


def _merge(total: Cascade, part: Cascade) -> None:
    total.narrowed += part.narrowed
    total.revoked += part.revoked


@transaction.atomic
def router_rights_withdraw(
    *, company: Company, router: Company, actor: User, ip_address: str | None = None
) -> Cascade:
    """The customer withdraws everything a router received from it, and so everything the router
    handed on from it."""
    cascade = _close(
        customer=company,
        router=router,
        actor=actor,
        audited=company,
        kind=AuditKind.ROUTER_RIGHTS_WITHDRAWN,
        ip_address=ip_address,
    )
    notices.closed(
        customer=company, router=router, reason="withdrawn", cascade=cascade, tell=router
    )
    return cascade


# --- The router's side -------------------------------------------------------------------------


def _router_admin_or_error(*, actor: User, router: Company) -> None:
    membership = (
        Membership.objects.filter(user=actor, company=router).select_related("user", "company")
    ).first()
    if actor.is_staff:
        return
    if membership is None or not (member_counts(membership) and membership.is_admin):
        raise ValidationError(_("Seul un administrateur du routeur peut faire cela."))


@transaction.atomic
def router_rights_accept(
    *, router: Company, customer: Company, actor: User, ip_address: str | None = None
) -> int:
    """One of the router's administrators accepts what a customer offers (every pending right)."""
    _router_admin_or_error(actor=actor, router=router)
    pending = Grant.objects.received().filter(
        holder_company=router, grantor_company=customer, status=GrantStatus.PENDING
    )
    codes = sorted(pending.values_list("permission__code", flat=True))
    count = pending.update(status=GrantStatus.ACTIVE, updated_at=timezone.now())
    if count:
        audit_record(
            actor=actor,
            company=router,
            kind=AuditKind.ROUTER_RIGHTS_ACCEPTED,
            target=customer,
            after={"customer": customer.name, "rights": codes},
            ip_address=ip_address,
        )
        notices.answered(customer=customer, router=router, accepted=True)
    return count


@transaction.atomic
def router_rights_refuse(
    *, router: Company, customer: Company, actor: User, ip_address: str | None = None
) -> int:
    """The router's administrator refuses what a customer offers (the pending rights)."""
    _router_admin_or_error(actor=actor, router=router)
    pending = Grant.objects.received().filter(
        holder_company=router, grantor_company=customer, status=GrantStatus.PENDING
    )
    codes = sorted(pending.values_list("permission__code", flat=True))
    count = pending.update(
        status=GrantStatus.REVOKED, revoked_at=timezone.now(), updated_at=timezone.now()
    )
    if count:
        audit_record(
            actor=actor,
            company=router,
            kind=AuditKind.ROUTER_RIGHTS_REFUSED,
            target=customer,
            after={"customer": customer.name, "rights": codes},
            ip_address=ip_address,
        )
        notices.answered(customer=customer, router=router, accepted=False)
    return count


@transaction.atomic
def router_rights_give_up(
    *, router: Company, customer: Company, actor: User, ip_address: str | None = None
) -> Cascade:
    """The router gives up everything received from a customer, and what it handed on."""
    _router_admin_or_error(actor=actor, router=router)
    cascade = _close(
        customer=customer,
        router=router,
        actor=actor,
        audited=router,
        kind=AuditKind.ROUTER_RIGHTS_GIVEN_UP,
        ip_address=ip_address,
    )
    notices.closed(
        customer=customer, router=router, reason="given_up", cascade=cascade, tell=customer
    )
    return cascade


def _close(
    *,
    customer: Company,
    router: Company,
    actor: User,
    audited: Company,
    kind: AuditKind,
    ip_address: str | None,
) -> Cascade:
    now = timezone.now()
    cascade = Cascade()
    codes = []
    for grant in _received(customer=customer, router=router):
        revoke(grant, now=now)
        codes.append(grant.permission.code)
        _merge(cascade, cascade_from(grant, actor=actor, now=now, ip_address=ip_address))
    if codes:
        audit_record(
            actor=actor,
            company=audited,
            kind=kind,
            target=router if audited == customer else customer,
            after={"customer": customer.name, "router": router.name, "rights": sorted(codes)},
            ip_address=ip_address,
        )
    return cascade


@transaction.atomic
def rights_hand_on(
    *,
    membership: Membership,
    parent: Grant,
    scope: Scope,
    actor: User,
    ip_address: str | None = None,
) -> Grant | None:
    """A router's administrator hands on to one of the router's people (part of) a right the
    router received, never beyond it; an empty scope takes it back. Returns the grant handed on
    (None when taken back). A limit left empty other than the accounts (billing addresses,
    products, service types) is handed on as received: the customer's limits go with it."""
    router = membership.company
    _router_admin_or_error(actor=actor, router=router)
    parent = grants_with_scopes(Grant.objects.filter(pk=parent.pk)).get()
    if scope.accounts:
        scope = _with_received_limits(scope, Scope.of_grant(parent))
    if parent.holder_company_id != router.pk or parent.status != GrantStatus.ACTIVE:
        raise ValidationError(_("Ce droit n'a pas été reçu par votre société."))
    if parent.ends_at is not None and parent.ends_at <= timezone.now():
        raise ValidationError(_("Ce droit reçu est arrivé à échéance."))
    if not scope <= Scope.of_grant(parent):
        raise ValidationError(
            _("Vous ne pouvez transmettre que ce que votre société a reçu de ce client.")
        )
    if membership.kind != MembershipKind.EMPLOYEE or not member_counts(membership):
        raise ValidationError(_("Cette personne n'est pas un utilisateur actif de votre société."))
    child = (
        grants_with_scopes(Grant.objects.filter(membership=membership, parent=parent))
        .filter(status__in=OPEN)
        .first()
    )
    before = Scope.of_grant(child) if child is not None else None
    now = timezone.now()
    if not scope.accounts:
        if child is not None:
            revoke(child, now=now)
        result = None
    else:
        if child is None:
            child = Grant.objects.create(
                membership=membership,
                grantor_company=router,
                permission=parent.permission,
                parent=parent,
                granted_by=actor,
            )
        set_scope(child, scope)
        result = child
    audit_record(
        actor=actor,
        company=router,
        kind=AuditKind.RIGHTS_HANDED_ON,
        target=membership,
        before={"permission": parent.permission.code, **before.as_dict()} if before else None,
        after={
            "permission": parent.permission.code,
            "from_customer": parent.grantor_company.name,
            **scope.as_dict(),
        },
        ip_address=ip_address,
    )
    return result


def _with_received_limits(scope: Scope, received: Scope) -> Scope:
    """The page chooses accounts only; without this, an e-Masspost right handed on would carry
    no billing address nor product, which no grant of the customer's own may do."""
    return Scope(**{dim: getattr(scope, dim) or getattr(received, dim) for dim in SCOPE_DIMENSIONS})


# --- End dates -----------------------------------------------------------------------------------


@transaction.atomic
def router_rights_end_due(*, now: datetime | None = None) -> int:
    """Periodic: received grants past their end date end, with the same cascade as a withdrawal.
    (The rights engine already stops counting them at the date; this records it.)"""
    now = now or timezone.now()
    due = grants_with_scopes(
        Grant.objects.received()
        .filter(status__in=OPEN, ends_at__lte=now)
        .select_related("holder_company", "grantor_company")
    )
    count = 0
    for grant in due:
        revoke(grant, now=now)
        cascade = cascade_from(grant, actor=None, now=now, ip_address=None)
        audit_record(
            actor=None,
            company=grant.grantor_company,
            kind=AuditKind.ROUTER_RIGHTS_ENDED,
            target=grant.holder_company,
            after={"router": grant.holder_company.name, "permission": grant.permission.code},
        )
        for tell in (grant.holder_company, grant.grantor_company):
            notices.closed(
                customer=grant.grantor_company,
                router=grant.holder_company,
                reason="ended",
                cascade=cascade if tell == grant.holder_company else Cascade(),
                tell=tell,
            )
        count += 1
    return count


@transaction.atomic
def router_rights_remind(*, now: datetime | None = None, days: int = 14) -> int:
    """Periodic: both sides are reminded once, `days` before received rights end."""
    now = now or timezone.now()
    due = (
        Grant.objects.received()
        .filter(
            status__in=OPEN,
            ends_at__gt=now,
            ends_at__lte=now + timedelta(days=days),
            end_reminded_at__isnull=True,
        )
        .select_related("holder_company", "grantor_company")
        .select_for_update(of=("self",))
    )
    told: set[tuple[int, int, str]] = set()
    count = 0
    for grant in due:
        assert grant.holder_company is not None
        ends_on = date_format(timezone.localtime(grant.ends_at), "SHORT_DATE_FORMAT")
        key = (grant.grantor_company_id, grant.holder_company_id, ends_on)
        if key not in told:  # one reminder per customer, router and date
            notices.ending(
                customer=grant.grantor_company, router=grant.holder_company, ends_on=ends_on
            )
            told.add(key)
        Grant.objects.filter(pk=grant.pk).update(end_reminded_at=now)
        count += 1
    return count
