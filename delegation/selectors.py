"""Reads of the delegation app: the router directory, the routers a customer works with, and
the rights a router received. Scoped to the selected company; a fixed number of queries."""

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from accounts.models import (
    OPEN_GRANT_STATUSES,
    Company,
    Grant,
    GrantStatus,
    Membership,
    MembershipKind,
)
from accounts.permissions import Scope, grants_with_scopes

OPEN = OPEN_GRANT_STATUSES


def router_directory(*, search: str = "") -> QuerySet[Company]:
    """The routers support staff keep in the directory, by name; searched by name or city."""
    routers = Company.objects.routers()
    if search.strip():
        term = search.strip()
        routers = routers.filter(Q(name__icontains=term) | Q(city__icontains=term))
    return routers.only("pk", "name", "address", "postcode", "city").order_by("name", "pk")


def router_get(*, pk: int) -> Company:
    """A router of the directory (else Company.DoesNotExist)."""
    return Company.objects.routers().get(pk=pk)


@dataclass
class Partner:
    """A company at the other end of received grants, with those grants."""

    company: Company
    grants: list[Grant] = field(default_factory=list)

    @property
    def pending(self) -> bool:
        return any(g.status == GrantStatus.PENDING for g in self.grants)

    @property
    def active(self) -> bool:
        return any(g.status == GrantStatus.ACTIVE for g in self.grants)

    @property
    def ends_at(self):
        dates = [g.ends_at for g in self.grants if g.ends_at]
        return min(dates) if dates else None


def _open_received(**filters) -> list[Grant]:
    grants = Grant.objects.received().filter(status__in=OPEN, **filters)
    return list(
        grants_with_scopes(grants.select_related("holder_company", "grantor_company")).order_by(
            "permission__application__position", "permission__position", "pk"
        )
    )


def router_partner_list(*, company: Company) -> list[Partner]:
    """The routers this customer granted rights to (pending or active), by name."""
    partners: dict[int, Partner] = {}
    for grant in _open_received(grantor_company=company):
        router = grant.holder_company
        assert router is not None  # received grants are held by a company
        partners.setdefault(router.pk, Partner(router)).grants.append(grant)
    return sorted(partners.values(), key=lambda p: p.company.name.lower())


def router_partner_get(*, company: Company, router: Company) -> Partner:
    grants = _open_received(grantor_company=company, holder_company=router)
    return Partner(router, grants)


def router_current_rights(*, company: Company, router: Company, application) -> dict[int, Scope]:
    """What the router holds from this customer on one application (pending or active)."""
    return {
        g.permission_id: Scope.of_grant(g)
        for g in _open_received(
            grantor_company=company, holder_company=router, permission__application=application
        )
    }


def received_list(*, router: Company) -> list[Partner]:
    """Per customer, the rights this router received; each grant carries `handed_on`, the
    grants handed on from it (in a fixed number of queries)."""
    customers: dict[int, Partner] = {}
    grants = _open_received(holder_company=router)
    for grant in grants:
        customer = customers.setdefault(grant.grantor_company_id, Partner(grant.grantor_company))
        customer.grants.append(grant)
    children = grants_with_scopes(
        Grant.objects.filter(parent__in=[g.pk for g in grants], status__in=OPEN).select_related(
            "membership__user"
        )
    )
    by_parent: dict[int, list[Grant]] = {}
    for child in children:
        by_parent.setdefault(child.parent_id or 0, []).append(child)
    for grant in grants:
        grant.handed_on = by_parent.get(grant.pk, [])  # type: ignore[attr-defined]
    return sorted(customers.values(), key=lambda c: c.company.name.lower())


def received_customer_get(*, router: Company, customer_id: int) -> Company:
    """A customer that granted this router something open (else Company.DoesNotExist)."""
    return (
        Company.objects.filter(
            pk=customer_id,
            given_grants__holder_company=router,
            given_grants__status__in=OPEN,
        )
        .distinct()
        .get()
    )


def received_grant_get(*, router: Company, pk: int) -> Grant:
    """An active grant this router received (else Grant.DoesNotExist)."""
    return (
        Grant.objects.received()
        .select_related("permission__application", "grantor_company")
        .get(pk=pk, holder_company=router, status=GrantStatus.ACTIVE)
    )


def hand_on_candidate_list(*, router: Company) -> list[Membership]:
    """The router's own people who may receive what it hands on: active employees."""
    return list(
        Membership.objects.active()
        .filter(company=router, kind=MembershipKind.EMPLOYEE)
        .select_related("user")
        .order_by("user__username")
    )
