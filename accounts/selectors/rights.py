"""Reads of a person's own rights: what they may do on which accounts, and one yes/no check.

Both the own-account page and the rights API (/api/v1/rights) read from here, so that what a
person sees listed is exactly what the check answers yes to: an active grant held through an
active membership of an active company, on an active account of that company on which the
application is enabled.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from common.sql import per_vendor, prepared_cursor, sql_text

from ..models import (
    AccountApplication,
    Application,
    BillingAddress,
    Company,
    CustomerAccount,
    Grant,
    Membership,
    MembershipKind,
    MembershipStatus,
    Permission,
    Product,
    ServiceType,
    User,
)
from ..permissions import holdings_for, member_counts_q

# --- What a person holds ------------------------------------------------------------------

TRACKING_APPLICATION = "colissimo-tracking"
TRACKING_LEVELS = ("user-key", "user-tag", "consolidated")


@dataclass(frozen=True)
class TrackingVisibility:
    """Which parcels a Colissimo tracking right shows (SPEC C3): the applications read it here."""

    level: str  # "user-key", "user-tag" or "consolidated"
    customer_service: bool


def tracking_visibility(permission: Permission) -> TrackingVisibility | None:
    """The visibility a tracking permission stands for, from its code (tracking-<level>[-cs])."""
    if permission.application.code != TRACKING_APPLICATION:
        return None
    code = permission.code.removeprefix("tracking-")
    customer_service = code.endswith("-cs")
    level = code.removesuffix("-cs")
    if level not in TRACKING_LEVELS:
        return None
    return TrackingVisibility(level=level, customer_service=customer_service)


@dataclass
class PermissionRights:
    permission: Permission
    billing_addresses: list[BillingAddress]
    products: list[Product]
    service_types: list[ServiceType]

    @property
    def visibility(self) -> TrackingVisibility | None:
        return tracking_visibility(self.permission)


@dataclass
class ApplicationRights:
    application: Application
    permissions: list[PermissionRights] = field(default_factory=list)


@dataclass
class AccountRights:
    account: CustomerAccount
    applications: list[ApplicationRights] = field(default_factory=list)


@dataclass
class CompanyRights:
    company: Company
    membership: Membership
    accounts: list[AccountRights] = field(default_factory=list)


def rights_for_user(*, user: User) -> list[CompanyRights]:
    """Every company a person actively belongs to, with their rights per account and application:
    exactly the holdings that count (`accounts.permissions.holdings`), so that what is listed is
    what the check answers yes to. A fixed number of queries whatever the number of grants."""
    memberships = list(
        Membership.objects.filter(member_counts_q(), user=user)
        .select_related("company")
        .order_by("company__name", "pk")
    )
    per_membership: dict[int, dict[int, tuple[CustomerAccount, dict[int, ApplicationRights]]]] = {
        m.pk: {} for m in memberships
    }
    for holding in holdings_for(user=user):
        grant = holding.grant
        line = PermissionRights(
            permission=grant.permission,
            billing_addresses=list(grant.billing_addresses.all()),
            products=list(grant.products.all()),
            service_types=list(grant.service_types.all()),
        )
        per_account = per_membership.setdefault(grant.membership_id or 0, {})
        for account in holding.accounts:
            _, apps = per_account.setdefault(account.pk, (account, {}))
            application = grant.permission.application
            apps.setdefault(application.pk, ApplicationRights(application)).permissions.append(line)
    result = []
    for membership in memberships:
        accounts = [
            _account_rights(account, apps)
            for account, apps in per_membership[membership.pk].values()
        ]
        accounts.sort(key=lambda a: a.account.number)
        result.append(
            CompanyRights(company=membership.company, membership=membership, accounts=accounts)
        )
    return result


def _account_rights(account: CustomerAccount, apps: dict[int, ApplicationRights]) -> AccountRights:
    applications = sorted(apps.values(), key=lambda a: (a.application.position, a.application.name))
    for app in applications:
        app.permissions.sort(key=lambda p: (p.permission.position, p.permission.name))
    return AccountRights(account=account, applications=applications)


def membership_overview_for_user(*, user: User) -> list[Membership]:
    """Every link of a person with a company, whatever its status, for their own page."""
    memberships = list(
        Membership.objects.filter(user=user)
        .exclude(status=MembershipStatus.REFUSED)
        .select_related("company")
    )
    memberships.sort(
        key=lambda m: (
            m.status != MembershipStatus.ACTIVE,
            m.kind == MembershipKind.PROVIDER,
            m.company.name.lower(),
        )
    )
    return memberships


# --- One yes/no check ---------------------------------------------------------------------


class UnknownItem(LookupError):
    """The application, permission or account named in a check does not exist for this person."""

    def __init__(self, field_name: str, message: str):
        self.field = field_name
        self.message = message
        super().__init__(message)


@dataclass(frozen=True)
class RightCheck:
    """The answer to a check: a stable machine code and a sentence for people."""

    allowed: bool
    code: str
    reason: str

    def __bool__(self) -> bool:
        return self.allowed


# The check answers in ONE statement, whatever the answer: it is the API's hot path (see
# bench/rights_check.py). It is plain SQL because the ORM forms of it cost more than the query:
# one join of the nine tables made PostgreSQL spend 30-45 ms planning it (for 0.3 ms of
# execution), and the annotated-subquery form took the ORM 5-15 ms to build. Table names come
# from the models; every value is a bound parameter. Each answer is covered by
# tests/accounts/test_api.py (SQLite) and run by the bench (PostgreSQL).
_CHECK_SQL = """
WITH perm AS (
    SELECT p.id, (p.is_active AND a.is_active) AS active, a.id AS application_id
    FROM {permission} p JOIN {application} a ON a.id = p.application_id
    WHERE a.code = %(application)s AND p.code = %(permission)s
), account AS (
    SELECT ca.id, ca.number, ca.company_id, ca.is_active, c.is_active AS company_active
    FROM {account} ca JOIN {company} c ON c.id = ca.company_id
    WHERE ca.number = %(account)s
), mine AS (
    SELECT m.id, m.company_id, (m.status = %(active)s AND u.is_active AND c.is_active) AS active
    FROM {membership} m JOIN {user} u ON u.id = m.user_id JOIN {company} c ON c.id = m.company_id
    WHERE m.user_id = %(user)s
), link AS (
    SELECT mine.id, mine.active FROM mine JOIN account ON mine.company_id = account.company_id
    UNION ALL
    SELECT mine.id, mine.active FROM mine
    JOIN {grant} g ON g.membership_id = mine.id
    JOIN {grant} pg ON pg.id = g.parent_id AND pg.holder_company_id = mine.company_id
    JOIN account ON pg.grantor_company_id = account.company_id
), held AS (
    SELECT g.id, g.parent_id FROM {grant} g
    JOIN mine ON mine.id = g.membership_id AND mine.active
    JOIN perm ON perm.id = g.permission_id
    JOIN account ON 1 = 1
    LEFT JOIN {grant} pg ON pg.id = g.parent_id
    WHERE g.status = %(active)s AND (g.ends_at IS NULL OR g.ends_at > %(now)s)
      AND ((g.parent_id IS NULL AND mine.company_id = account.company_id)
           OR (pg.status = %(active)s AND (pg.ends_at IS NULL OR pg.ends_at > %(now)s)
               AND pg.holder_company_id = mine.company_id
               AND pg.grantor_company_id = account.company_id))
)
SELECT
    EXISTS (SELECT 1 FROM {application} WHERE code = %(application)s) AS application_known,
    EXISTS (SELECT 1 FROM perm) AS permission_known,
    EXISTS (SELECT 1 FROM perm WHERE active) AS permission_active,
    account.id IS NOT NULL AS account_known,
    COALESCE(account.is_active AND account.company_active, FALSE) AS account_active,
    EXISTS (SELECT 1 FROM link) AS linked,
    EXISTS (SELECT 1 FROM link WHERE active) AS member,
    EXISTS (
        SELECT 1 FROM {account_application} aa JOIN perm ON perm.application_id = aa.application_id
        WHERE aa.account_id = account.id
    ) AS app_enabled,
    EXISTS (
        SELECT 1 FROM held JOIN {grant_accounts} ga ON ga.grant_id = held.id
        WHERE ga.customeraccount_id = account.id
          AND (held.parent_id IS NULL OR EXISTS (
              SELECT 1 FROM {grant_accounts} pa
              WHERE pa.grant_id = held.parent_id AND pa.customeraccount_id = account.id))
    ) AS granted,
    EXISTS (SELECT 1 FROM held) AS granted_elsewhere
FROM (SELECT 1 AS one) AS one LEFT JOIN account ON 1 = 1
"""

_CHECK_FIELDS = (
    "application_known",
    "permission_known",
    "permission_active",
    "account_known",
    "account_active",
    "linked",
    "member",
    "app_enabled",
    "granted",
    "granted_elsewhere",
)


def _build_check_sql() -> str:
    return sql_text(
        _CHECK_SQL,
        {
            "permission": Permission,
            "application": Application,
            "account": CustomerAccount,
            "company": Company,
            "membership": Membership,
            "grant": Grant,
            "account_application": AccountApplication,
            "grant_accounts": Grant.accounts.through,
            "user": User,
        },
    )


_check_sql = per_vendor(_build_check_sql)


def _check_facts(*, user: User, application: str, permission: str, account: str) -> dict:
    params: dict[str, str | int | None] = {
        "application": application,
        "permission": permission,
        "account": account,
        "user": user.pk,
        "active": MembershipStatus.ACTIVE.value,  # same word for grants (GrantStatus.ACTIVE)
        "now": connection.ops.adapt_datetimefield_value(timezone.now()),
    }
    with prepared_cursor() as cursor:  # prepared once per connection (common.sql)
        cursor.execute(_check_sql(), params)
        row = cursor.fetchone()
    return {name: bool(value) for name, value in zip(_CHECK_FIELDS, row, strict=True)}


def right_check(*, user: User, application: str, permission: str, account: str) -> RightCheck:
    """May this person use `permission` of `application` on customer account `account` (codes and
    number)? The same conditions as `accounts.permissions.holdings`, in SQL: an active grant (not
    past its end date) held by an active person through an active membership, either of the
    account's company, or of a company that received an active grant from the account's company
    (a router) from which this one was handed on, covering the account; the account active and
    in the grant's scope, and the application enabled on it. One query whatever the answer;
    unknown items raise `UnknownItem` naming the field.

    An account of a company the person has never belonged to is reported unknown, as every
    object of another company is (no disclosure across companies).
    """
    params = {"account": account, "application": application, "permission": permission}
    facts = _check_facts(user=user, **params)
    if not facts["application_known"]:
        raise UnknownItem("application", _("Application inconnue : %(application)s.") % params)
    if not facts["permission_known"]:
        raise UnknownItem(
            "permission", _("Droit inconnu pour %(application)s : %(permission)s.") % params
        )
    if not facts["account_known"] or not facts["linked"]:
        raise UnknownItem("account", _("Compte client inconnu : %(account)s.") % params)
    return _decide(facts, params)


def _decide(row: Mapping[str, bool], params: dict) -> RightCheck:
    """The answer and its reason, from the facts of the check."""
    if not row["permission_active"]:
        return RightCheck(
            False,
            "permission_inactive",
            _("Le droit %(permission)s de %(application)s n'est plus proposé.") % params,
        )
    if not row["account_active"]:
        return RightCheck(
            False, "account_inactive", _("Le compte client %(account)s est désactivé.") % params
        )
    if not row["member"]:
        return RightCheck(
            False,
            "membership_inactive",
            _("Votre lien avec la société du compte %(account)s n'est pas actif.") % params,
        )
    if not row["app_enabled"]:
        return RightCheck(
            False,
            "application_not_enabled",
            _("L'application %(application)s n'est pas activée sur le compte %(account)s.")
            % params,
        )
    if row["granted"]:
        return RightCheck(
            True,
            "granted",
            _("Vous détenez %(permission)s de %(application)s sur le compte %(account)s.") % params,
        )
    if row["granted_elsewhere"]:
        return RightCheck(
            False,
            "not_on_account",
            _("Vous détenez %(permission)s de %(application)s, mais pas sur le compte %(account)s.")
            % params,
        )
    return RightCheck(
        False,
        "not_granted",
        _("Vous ne détenez pas %(permission)s de %(application)s.") % params,
    )
