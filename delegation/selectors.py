"""Reads of the delegation app, always scoped to a company or a person."""

from collections.abc import Mapping

from django.db.models import Prefetch, QuerySet

from accounts.models import (
    BillingAddress,
    CustomerAccount,
    Membership,
    MembershipKind,
    Permission,
    Product,
    ServiceType,
    User,
)
from accounts.permissions import Scope
from common.links import FoundLink, LinkState, link_lookup

from .models import ProviderAccess, ProviderAccessStatus

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
