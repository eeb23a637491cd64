"""The one definition of an active holding: when does a person hold a right?

A grant counts for its holder only when all of these hold at once:

- **the person**: the user is active, the membership is active (accepted, not deactivated) and its
  company is active;
- **the grant**: it is active (accepted, not withdrawn), not past its end date, and the grant it
  was handed on from (if any) is active and not past its end date either;
- **the catalog**: the permission and its application are still offered;
- **the account**: the customer account is active, the application is enabled on it, and it
  belongs to the membership's company — or, for a grant handed on from a grant a company received
  from a customer (a router), it belongs to that customer, the received grant went to the
  membership's company and covers the account.

Every reader of rights goes through here: the rights ceiling (`held_rights`), the rights pages
and `GET /api/v1/rights` (`holdings_for`), the yes/no check (`right_check`, one SQL statement, the
API's hot path), API-key authentication with a right (`holds_anywhere`), eSecure access
(`member_counts`, `account_counts_q`, used by approvals) and "may hold an API key". The table of
cases in tests/accounts/test_holdings.py runs against each of them and expects the same answer.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Exists, F, OuterRef, Prefetch, Q
from django.utils import timezone

from ..models import (
    AccountApplication,
    BillingAddress,
    CustomerAccount,
    Grant,
    GrantStatus,
    Membership,
    MembershipKind,
    MembershipStatus,
    Product,
    ServiceType,
    User,
)

# --- The conditions, as Q objects over a relation path ----------------------------------------


def member_counts_q(path: str = "") -> Q:
    """The person side, for a membership reached through `path` ("" on Membership itself)."""
    return Q(
        **{
            f"{path}status": MembershipStatus.ACTIVE,
            f"{path}user__is_active": True,
            f"{path}company__is_active": True,
        }
    )


def grant_counts_q(path: str = "", *, now: datetime | None = None) -> Q:
    """The grant side, for a grant reached through `path` ("" on Grant itself)."""
    now = now or timezone.now()

    def alive(prefix: str) -> Q:
        return Q(**{f"{prefix}status": GrantStatus.ACTIVE}) & (
            Q(**{f"{prefix}ends_at__isnull": True}) | Q(**{f"{prefix}ends_at__gt": now})
        )

    return alive(path) & (Q(**{f"{path}parent__isnull": True}) | alive(f"{path}parent__"))


def catalog_counts_q(path: str = "permission__") -> Q:
    """The permission and its application are still offered."""
    return Q(**{f"{path}is_active": True, f"{path}application__is_active": True})


def account_counts_q(path: str = "") -> Q:
    """The customer account (reached through `path`) and its company are active."""
    return Q(**{f"{path}is_active": True, f"{path}company__is_active": True})


def member_counts(membership: Membership | None) -> bool:
    """The person side for a membership already loaded (with its user and company)."""
    return (
        membership is not None
        and membership.status == MembershipStatus.ACTIVE
        and membership.user.is_active
        and membership.company.is_active
    )


def holding_grants(*, now: datetime | None = None):
    """Grants held by memberships that count, before looking at accounts."""
    return Grant.objects.filter(
        grant_counts_q(now=now),
        member_counts_q("membership__"),
        catalog_counts_q("permission__"),
    )


# --- Holdings, loaded (the ceiling, the rights pages, the rights API) --------------------------


@dataclass(frozen=True)
class Holding:
    """A grant that counts, with the accounts on which it counts (never empty)."""

    grant: Grant
    accounts: tuple[CustomerAccount, ...]


def holdings_for(
    *, user: User | None = None, membership: Membership | None = None, now=None
) -> list[Holding]:
    """What a person holds (in every company), or what one membership holds, in 7 queries:
    grants, their four scopes, the accounts of the grants they were handed on from, and the
    applications enabled on their accounts."""
    grants = holding_grants(now=now)
    if membership is not None:
        grants = grants.filter(membership=membership)
    elif user is not None:
        grants = grants.filter(membership__user=user)
    else:
        raise ValueError("holdings_for needs a user or a membership")
    loaded = list(_with_scopes(grants))
    account_ids = {a.pk for g in loaded for a in g.accounts.all()}
    enabled = set(
        AccountApplication.objects.filter(account_id__in=account_ids).values_list(
            "account_id", "application_id"
        )
    )
    result = []
    for grant in loaded:
        accounts = tuple(
            account
            for account in grant.accounts.all()
            if _reaches(grant, account) and (account.pk, grant.permission.application_id) in enabled
        )
        if accounts:
            result.append(Holding(grant=grant, accounts=accounts))
    return result


def _reaches(grant: Grant, account: CustomerAccount) -> bool:
    """The account side that depends on where the grant comes from (see the module's text)."""
    assert grant.membership is not None  # holding_grants keeps membership grants only
    parent = grant.parent
    if parent is None:
        return account.company_id == grant.membership.company_id
    return (
        parent.holder_company_id == grant.membership.company_id
        and account.company_id == parent.grantor_company_id
        and any(a.pk == account.pk for a in parent.accounts.all())
    )


def _with_scopes(grants):
    accounts = CustomerAccount.objects.filter(account_counts_q()).only(
        "pk", "number", "name", "company_id"
    )
    return grants.select_related(
        "permission__application", "membership__company", "membership__user", "parent"
    ).prefetch_related(
        Prefetch("accounts", queryset=accounts),
        Prefetch("parent__accounts", queryset=CustomerAccount.objects.only("pk")),
        Prefetch("billing_addresses", queryset=BillingAddress.objects.filter(is_active=True)),
        Prefetch("products", queryset=Product.objects.order_by("position", "name")),
        Prefetch("service_types", queryset=ServiceType.objects.order_by("position", "number")),
    )


GrantAccount = Grant.accounts.through

# --- Yes/no questions in one query ------------------------------------------------------------


def holds_anywhere(user_ref, *, application: str, permission: str, now=None) -> Exists:
    """An `Exists` for annotations: does the user (an OuterRef or a pk) hold this right (codes)
    on at least one account where it counts? Used by API-key authentication with a right.

    It walks the grant-account rows, so every join is single-valued (one grant, one account)."""
    enabled = AccountApplication.objects.filter(
        account_id=OuterRef("customeraccount_id"),
        application_id=OuterRef("grant__permission__application_id"),
    )
    in_parent = GrantAccount.objects.filter(
        grant_id=OuterRef("grant__parent_id"), customeraccount_id=OuterRef("customeraccount_id")
    )
    reaches = Q(
        grant__parent__isnull=True,
        customeraccount__company_id=F("grant__membership__company_id"),
    ) | Q(
        Exists(in_parent),
        grant__parent__holder_company_id=F("grant__membership__company_id"),
        customeraccount__company_id=F("grant__parent__grantor_company_id"),
    )
    rows = GrantAccount.objects.filter(
        grant_counts_q("grant__", now=now),
        member_counts_q("grant__membership__"),
        catalog_counts_q("grant__permission__"),
        account_counts_q("customeraccount__"),
        reaches,
        Exists(enabled),
        grant__membership__user=user_ref,
        grant__permission__application__code=application,
        grant__permission__code=permission,
    )
    return Exists(rows)


def may_hold_api_key(*, user: User) -> bool:
    """API keys belong to advanced and technical users (SPEC C3, C9) whose link counts."""
    return Membership.objects.filter(
        member_counts_q(), user=user, kind__in=[MembershipKind.ADVANCED, MembershipKind.TECHNICAL]
    ).exists()


def accounts_of(holdings: Iterable[Holding]) -> set[int]:
    return {account.pk for holding in holdings for account in holding.accounts}
