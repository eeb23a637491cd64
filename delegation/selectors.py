"""Reads of the delegation app, always scoped to a company or a person."""

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet

from accounts.models import (
    OPEN_GRANT_STATUSES,
    BillingAddress,
    Company,
    CustomerAccount,
    Grant,
    GrantStatus,
    Membership,
    MembershipKind,
    Permission,
    Product,
    ServiceType,
    User,
)
from accounts.permissions import Scope, grants_with_scopes
from common.links import FoundLink, LinkState, link_lookup

from .models import (
    ProviderAccess,
    ProviderAccessRequest,
    ProviderAccessStatus,
    ProviderRequestStatus,
)

WITHDRAWN = "withdrawn"  # a pending offer closed by its mandant (or expired by the task)


def provider_access_list(*, company) -> QuerySet[ProviderAccess]:
    """This company's provider accesses, newest first, with the provider's own companies."""
    own = (
        Membership.objects.active().exclude(kind=MembershipKind.PROVIDER).select_related("company")
    )
    return (
        ProviderAccess.objects.for_company(company)
        .select_related("user", "created_by")
        .prefetch_related(Prefetch("user__memberships", queryset=own, to_attr="own_memberships"))
    )


def provider_access_get(*, company, pk: int) -> ProviderAccess | None:
    """One of this company's provider accesses (None for another company's: the view says 404)."""
    return provider_access_list(company=company).filter(pk=pk).first()


def provider_access_list_for_person(*, user: User) -> QuerySet[ProviderAccess]:
    """What a person received: pending offers to their address, and those they accepted."""
    return (
        ProviderAccess.objects.for_person(user)
        .select_related("company", "created_by")
        .order_by("-created_at", "-id")
    )


def provider_access_for_person_get(*, user: User, pk: int) -> ProviderAccess | None:
    return provider_access_list_for_person(user=user).filter(pk=pk).first()


def provider_access_state(access: ProviderAccess) -> str | None:
    """A pending offer closed for another reason than its link (withdrawn, expired by the task)."""
    if access.status != ProviderAccessStatus.PENDING and access.used_at is None:
        return LinkState.EXPIRED if access.status == ProviderAccessStatus.EXPIRED else WITHDRAWN
    return None


def provider_access_lookup(*, key: str) -> FoundLink[ProviderAccess]:
    """The offer of an e-mailed link and what the link can do now (reads only)."""
    return link_lookup(
        ProviderAccess.objects.select_related("company", "created_by", "user"),
        key,
        closed=provider_access_state,
    )


def provider_request_company(*, account_number: str) -> Company | None:
    """The active company owning an active customer account of this number (for a provider's
    request; never shown to the requester)."""
    account = (
        CustomerAccount.objects.filter(
            number=account_number, is_active=True, company__is_active=True
        )
        .select_related("company")
        .first()
    )
    return account.company if account is not None else None


def provider_request_list(*, company: Company) -> QuerySet[ProviderAccessRequest]:
    """Requests for provider access waiting for this company's answer, oldest first, with the
    requester's own companies (as `requester.own_memberships`)."""
    own = (
        Membership.objects.active().exclude(kind=MembershipKind.PROVIDER).select_related("company")
    )
    return (
        ProviderAccessRequest.objects.filter(company=company, status=ProviderRequestStatus.PENDING)
        .select_related("requester")
        .prefetch_related(
            Prefetch("requester__memberships", queryset=own, to_attr="own_memberships")
        )
        .order_by("created_at", "id")
    )


def provider_request_get(*, company: Company, pk: int) -> ProviderAccessRequest | None:
    """One request waiting for this company's answer (None otherwise: the view says 404)."""
    return provider_request_list(company=company).filter(pk=pk).first()


def provider_company_names(access: ProviderAccess) -> list[str]:
    """The provider's own companies (from `provider_access_list`'s prefetch)."""
    if access.user is None:
        return []
    return [m.company.name for m in getattr(access.user, "own_memberships", [])]


def rights_lines(rights: Mapping[int, Scope] | Mapping[str, dict]) -> list[dict]:
    """Readable lines (application, right, where) of rights given as permission id → scope, or
    as stored in an offer (ids as strings → scope dicts), in catalog order; in 5 queries."""
    scopes = {
        int(pk): scope if isinstance(scope, Scope) else Scope.of(**scope)
        for pk, scope in rights.items()
    }
    if not scopes:
        return []
    wanted = Scope()
    for scope in scopes.values():
        wanted = wanted | scope
    names = {
        "accounts": dict(
            CustomerAccount.objects.filter(pk__in=wanted.accounts).values_list("pk", "number")
        ),
        "billing_addresses": dict(
            BillingAddress.objects.filter(pk__in=wanted.billing_addresses).values_list("pk", "name")
        ),
        "products": {p.pk: p.label for p in Product.objects.filter(pk__in=wanted.products)},
        "service_types": {
            t.pk: t.label for t in ServiceType.objects.filter(pk__in=wanted.service_types)
        },
    }
    permissions = Permission.objects.filter(pk__in=scopes).select_related("application")
    lines = []
    for permission in sorted(
        permissions, key=lambda p: (p.application.position, p.application_id, p.position, p.pk)
    ):
        scope = scopes[permission.pk]
        where = [
            names[dim][pk]
            for dim in ("accounts", "billing_addresses", "products", "service_types")
            for pk in sorted(getattr(scope, dim))
            if pk in names[dim]
        ]
        lines.append(
            {
                "application": permission.application.label,
                "permission": permission.label,
                "where": ", ".join(where),
            }
        )
    return lines


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

    @property
    def active_grants(self) -> list[Grant]:
        return [g for g in self.grants if g.status == GrantStatus.ACTIVE]


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
    grants handed on from it, and `scope_accounts`, its accounts with their names (to choose
    from when handing on), in a fixed number of queries."""
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
    # The scope prefetch loads account numbers only: the names, in one query for every grant.
    named = CustomerAccount.objects.filter(
        pk__in={a.pk for g in grants for a in g.accounts.all()}
    ).only("pk", "number", "name")
    accounts = {a.pk: a for a in named}
    for grant in grants:
        grant.handed_on = by_parent.get(grant.pk, [])  # type: ignore[attr-defined]
        grant.scope_accounts = [accounts[a.pk] for a in grant.accounts.all()]  # type: ignore[attr-defined]
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
