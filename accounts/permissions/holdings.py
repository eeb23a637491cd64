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
API's hot path), API-key authentication with a right (`holds_anywhere_sql`), eSecure access
(`member_counts`, `account_counts_q`, used by approvals) and "may hold an API key". The table of
cases in tests/accounts/test_holdings.py runs against each of them and expects the same answer.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db import connection
from django.db.models import Prefetch, Q
from django.utils import timezone

from common.sql import sql_text

from ..models import (
    AccountApplication,
    ApiKey,
    Application,
    BillingAddress,
    Company,
    CustomerAccount,
    Grant,
    GrantStatus,
    Membership,
    MembershipKind,
    MembershipStatus,
    Permission,
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


# API-key authentication asks "does the key's holder hold this right somewhere?" on every
# sender check. As one ORM `Exists` over ten tables, PostgreSQL spent 4-15 ms planning it for
# 0.3 ms of execution (bench/README.md, "One rights engine"); in materialized steps it plans in
# about 1 ms, and prepared (common.sql) not at all. Same conditions as above; table names come
# from the models, values are bound by name (%(prefix)s, %(application)s, %(permission)s,
# %(active)s, %(now)s).
_HOLDS_ANYWHERE_SQL = """
EXISTS (
    WITH perm AS MATERIALIZED (
        SELECT p.id, p.application_id FROM {permission} p
        JOIN {application} a ON a.id = p.application_id
        WHERE a.code = %(application)s AND p.code = %(permission)s AND a.is_active AND p.is_active
    ), mine AS MATERIALIZED (
        SELECT m.id, m.user_id, m.company_id FROM {membership} m
        JOIN {company} c ON c.id = m.company_id
        JOIN {user} u ON u.id = m.user_id
        JOIN {apikey} k ON k.user_id = m.user_id
        WHERE k.prefix = %(prefix)s AND m.status = %(active)s AND c.is_active AND u.is_active
    ), held AS MATERIALIZED (
        SELECT g.id, g.parent_id, mine.user_id, mine.company_id AS holder_id,
               pg.grantor_company_id AS customer_id, perm.application_id
        FROM {grant} g
        JOIN mine ON mine.id = g.membership_id
        JOIN perm ON perm.id = g.permission_id
        LEFT JOIN {grant} pg ON pg.id = g.parent_id
        WHERE g.status = %(active)s AND (g.ends_at IS NULL OR g.ends_at > %(now)s)
          AND (g.parent_id IS NULL
               OR (pg.status = %(active)s AND (pg.ends_at IS NULL OR pg.ends_at > %(now)s)
                   AND pg.holder_company_id = mine.company_id))
    )
    SELECT 1 FROM held
    JOIN {grant_accounts} ga ON ga.grant_id = held.id
    JOIN {account} ca ON ca.id = ga.customeraccount_id AND ca.is_active
    JOIN {company} cc ON cc.id = ca.company_id AND cc.is_active
    JOIN {account_application} aa
      ON aa.account_id = ca.id AND aa.application_id = held.application_id
    WHERE held.user_id = {outer_user}
      AND ((held.parent_id IS NULL AND ca.company_id = held.holder_id)
           OR (held.parent_id IS NOT NULL AND ca.company_id = held.customer_id
               AND EXISTS (SELECT 1 FROM {grant_accounts} pa
                           WHERE pa.grant_id = held.parent_id
                             AND pa.customeraccount_id = ca.id)))
)
"""


def holds_anywhere_sql(*, outer_user: str) -> str:
    """An SQL expression for the API-key lookup (`ApiKey` rows of `%(prefix)s`, the holder's id
    in the outer query's column `outer_user`): does the key's holder hold the right of codes
    `%(application)s`, `%(permission)s` on at least one account where it counts, at `%(now)s`?
    `%(active)s` is `holds_anywhere_params`'."""
    return sql_text(
        _HOLDS_ANYWHERE_SQL,
        {
            "permission": Permission,
            "application": Application,
            "membership": Membership,
            "company": Company,
            "user": User,
            "apikey": ApiKey,
            "grant": Grant,
            "grant_accounts": GrantAccount,
            "account": CustomerAccount,
            "account_application": AccountApplication,
        },
        outer_user=outer_user,
    )


def holds_anywhere_params(*, prefix: str, application: str, permission: str, now=None) -> dict:
    """The values of `holds_anywhere_sql` (every value bound: nothing from outside is text)."""
    now = now or timezone.now()
    return {
        "application": application,
        "permission": permission,
        "prefix": prefix,
        "active": GrantStatus.ACTIVE.value,  # the same word for memberships
        "now": connection.ops.adapt_datetimefield_value(now),
    }


def may_hold_api_key(*, user: User) -> bool:
    """API keys belong to advanced and technical users (SPEC C3, C9) whose link counts."""
    return Membership.objects.filter(
        member_counts_q(), user=user, kind__in=[MembershipKind.ADVANCED, MembershipKind.TECHNICAL]
    ).exists()


def accounts_of(holdings: Iterable[Holding]) -> set[int]:
    return {account.pk for holding in holdings for account in holding.accounts}
