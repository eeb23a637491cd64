"""Reads of the advanced-users area (Colissimo): who is linked to a company, what can be offered
to them, the rights matrix under the admin's ceiling, invitations by key, the CSV export.

An advanced user is a person with a Membership of kind "advanced" in each company that linked
them; their rights are Grants scoped by customer accounts only.
"""

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from common.links import FoundLink, LinkState, link_lookup, link_state

from ..models import (
    AccountApplication,
    Application,
    CustomerAccount,
    Grant,
    Invitation,
    Membership,
    MembershipKind,
    MembershipStatus,
    Permission,
    User,
)
from ..permissions import Ceiling, Scope

# Applications whose rights are narrowed by something else than customer accounts are not
# offered to advanced users (their rights are "per customer account" only).
OTHER_SCOPE_FLAGS = (
    "uses_billing_addresses",
    "uses_products",
    "uses_service_types",
    "uses_profiles",
)

USER_KEY_RE = re.compile(r"[0-9a-f]{32}")


# --- What can be offered --------------------------------------------------------------------


@dataclass
class Offer:
    """Applications enabled on the company's active accounts that advanced users may receive."""

    applications: list[Application]
    permissions: dict[int, list[Permission]]  # application id → its active permissions
    accounts: dict[int, list[CustomerAccount]]  # application id → accounts where it is enabled
    permission_by_id: dict[int, Permission] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.permission_by_id = {p.pk: p for perms in self.permissions.values() for p in perms}
        self._enabled = {(app_id, a.pk) for app_id, accs in self.accounts.items() for a in accs}

    def is_offered(self, permission_id: int, account_id: int) -> bool:
        permission = self.permission_by_id.get(permission_id)
        return permission is not None and (permission.application_id, account_id) in self._enabled

    def account_numbers(self) -> dict[int, str]:
        return {a.pk: a.number for accs in self.accounts.values() for a in accs}


def advanced_application_filter(prefix: str = "") -> Q:
    """Applications advanced users may hold: active, scoped by customer accounts only."""
    return Q(**{f"{prefix}is_active": True, f"{prefix}uses_accounts": True}) & Q(
        **{f"{prefix}{flag}": False for flag in OTHER_SCOPE_FLAGS}
    )


def advanced_offer(*, company) -> Offer:
    """What an admin of `company` may offer to advanced users, in two queries."""
    rows = (
        AccountApplication.objects.filter(account__company=company, account__is_active=True)
        .filter(advanced_application_filter("application__"))
        .select_related("application", "account")
        .order_by("application__position", "application__name", "account__number")
    )
    applications: dict[int, Application] = {}
    accounts: dict[int, list[CustomerAccount]] = defaultdict(list)
    for row in rows:
        applications.setdefault(row.application_id, row.application)
        accounts[row.application_id].append(row.account)
    permissions: dict[int, list[Permission]] = defaultdict(list)
    for permission in (
        Permission.objects.filter(application_id__in=applications, is_active=True)
        .select_related("application")
        .order_by("application__position", "position", "name")
    ):
        permissions[permission.application_id].append(permission)
    apps = [a for a in applications.values() if permissions.get(a.pk)]
    return Offer(
        applications=apps,
        permissions={a.pk: permissions[a.pk] for a in apps},
        accounts={a.pk: accounts[a.pk] for a in apps},
    )


def advanced_rights_held(*, membership: Membership) -> dict[int, Scope]:
    """A membership's active grants as permission id → scope of accounts, in one query
    (whatever the membership's status: an invited person already holds what they will get)."""
    held: dict[int, set[int]] = defaultdict(set)
    rows = (
        Grant.objects.active()
        .filter(membership=membership)
        .values_list("permission_id", "accounts__id")
    )
    for permission_id, account_id in rows:
        held[permission_id]  # a grant without accounts still counts as held
        if account_id is not None:
            held[permission_id].add(account_id)
    return {pk: Scope.of(accounts=ids) for pk, ids in held.items()}


# --- The rights matrix ----------------------------------------------------------------------

Cell = tuple[int, int]  # (permission id, account id)


@dataclass
class MatrixCell:
    value: str  # "<permission id>:<account id>", the checkbox value
    account: CustomerAccount
    checked: bool
    grantable: bool


@dataclass
class MatrixRow:
    permission: Permission
    cells: list[MatrixCell]
    reason: str  # why some boxes are greyed out ("" when the admin may grant them all)
    reason_id: str


@dataclass
class MatrixBlock:
    application: Application
    accounts: list[CustomerAccount]
    rows: list[MatrixRow]


@dataclass
class Matrix:
    blocks: list[MatrixBlock]
    accounts: list[CustomerAccount]  # every account of the matrix, once, by number


def grantable(ceiling: Ceiling, permission: Permission, account_id: int) -> bool:
    """May the actor hand out `permission` on this account? (no query: the ceiling is loaded)"""
    return ceiling.unlimited or account_id in ceiling.scope_of(permission).accounts


def held_cells(held: dict[int, Scope]) -> set[Cell]:
    return {(pk, account_id) for pk, scope in held.items() for account_id in scope.accounts}


def _reason(ceiling: Ceiling, permission: Permission, missing: list[CustomerAccount]) -> str:
    # Same wording as the ceiling's own reasons (accounts.permissions.Ceiling.can_grant).
    if not ceiling.holds(permission):
        return _("Vous ne détenez pas « %(permission)s » (%(application)s).") % {
            "permission": permission.label,
            "application": permission.application.label,
        }
    return _("Vous ne détenez pas « %(permission)s » sur le compte %(item)s.") % {
        "permission": permission.label,
        "item": ", ".join(a.number for a in missing),
    }


def advanced_matrix(
    *, offer: Offer, ceiling: Ceiling, checked: set[Cell], held: set[Cell] | None = None
) -> Matrix:
    """One block per application: a row per permission, a box per account where the application
    is enabled. Boxes the actor may not grant are greyed out with the reason; such a box shows
    what the person holds (`held`), whatever was posted."""
    held = held or set()
    blocks = []
    for application in offer.applications:
        accounts = offer.accounts[application.pk]
        rows = []
        for permission in offer.permissions[application.pk]:
            cells, missing = [], []
            for account in accounts:
                cell = (permission.pk, account.pk)
                may = grantable(ceiling, permission, account.pk)
                if not may:
                    missing.append(account)
                cells.append(
                    MatrixCell(
                        value=f"{permission.pk}:{account.pk}",
                        account=account,
                        checked=cell in checked if may else cell in held,
                        grantable=may,
                    )
                )
            rows.append(
                MatrixRow(
                    permission=permission,
                    cells=cells,
                    reason=_reason(ceiling, permission, missing) if missing else "",
                    reason_id=f"reason-{permission.pk}",
                )
            )
        blocks.append(MatrixBlock(application=application, accounts=accounts, rows=rows))
    every = {a.pk: a for accs in offer.accounts.values() for a in accs}
    return Matrix(blocks=blocks, accounts=sorted(every.values(), key=lambda a: a.number))


# --- Advanced users of a company ------------------------------------------------------------


def advanced_membership_queryset(*, company) -> QuerySet[Membership]:
    """The company's advanced users still linked (invited or active), never another company's."""
    return (
        Membership.objects.for_company(company)
        .filter(kind=MembershipKind.ADVANCED)
        .exclude(status=MembershipStatus.DEACTIVATED)
        .select_related("user", "company")
    )


def advanced_user_list(*, company, query: str = "") -> QuerySet[Membership]:
    memberships = advanced_membership_queryset(company=company)
    query = query.strip()
    if query:
        memberships = memberships.filter(
            Q(user__last_name__icontains=query)
            | Q(user__first_name__icontains=query)
            | Q(user__email__icontains=query)
            | Q(user__username__icontains=query)
            | Q(user__function__icontains=query)
            | Q(tag__icontains=query)
            | Q(user__user_key=query.lower())
        )
    return _with_invitations(memberships).order_by("user__last_name", "user__first_name", "pk")


class AdvancedStatus:
    ACTIVE = "active"
    PENDING = "pending"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"
    DISABLED = "disabled"


def advanced_status(membership: Membership, *, now: datetime | None = None) -> str:
    """Active, or the state of the latest invitation (needs `latest_invitations` prefetched)."""
    if membership.status == MembershipStatus.ACTIVE:
        return AdvancedStatus.ACTIVE if membership.user.is_active else AdvancedStatus.DISABLED
    now = now or timezone.now()
    latest = next(iter(getattr(membership, "latest_invitations", [])), None)
    if latest is None or latest.withdrawn_at is not None:
        return AdvancedStatus.WITHDRAWN
    if latest.used_at is None and latest.expires_at <= now:
        return AdvancedStatus.EXPIRED
    return AdvancedStatus.PENDING


def _with_invitations(memberships):
    return memberships.prefetch_related(
        Prefetch(
            "invitations",
            queryset=Invitation.objects.select_related("created_by").order_by("-created_at"),
            to_attr="latest_invitations",
        )
    )


def _account_numbers(membership_ids: Iterable[int]) -> dict[int, list[str]]:
    """Accounts each membership holds at least one active right on, in one query."""
    numbers: dict[int, set[str]] = defaultdict(set)
    rows = (
        Grant.objects.active()
        .filter(membership_id__in=list(membership_ids), accounts__isnull=False)
        .values_list("membership_id", "accounts__number")
    )
    for membership_id, number in rows:
        numbers[membership_id].add(number)
    return {pk: sorted(values) for pk, values in numbers.items()}


@dataclass
class AdvancedRow:
    membership: Membership
    status: str
    accounts: list[str]


def advanced_rows(memberships: Iterable[Membership]) -> list[AdvancedRow]:
    """A page of `advanced_user_list`, with each status and the accounts in one more query."""
    page = list(memberships)
    accounts = _account_numbers(m.pk for m in page) if page else {}
    now = timezone.now()
    return [
        AdvancedRow(
            membership=m, status=advanced_status(m, now=now), accounts=accounts.get(m.pk, [])
        )
        for m in page
    ]


def advanced_membership_get(*, company, user_id: int) -> Membership | None:
    """The link between `company` and the person `user_id`, with its invitations (None if the
    person is not one of this company's advanced users)."""
    return (
        _with_invitations(advanced_membership_queryset(company=company))
        .filter(user_id=user_id)
        .first()
    )


def company_link_get(*, company, user: User) -> Membership | None:
    """The person's current link with `company`, of any kind (a former advanced link, unlinked,
    does not count: it may be taken up again)."""
    return (
        Membership.objects.for_company(company)
        .filter(user=user)
        .exclude(kind=MembershipKind.ADVANCED, status=MembershipStatus.DEACTIVATED)
        .first()
    )


def advanced_user_find(*, user_key: str) -> User | None:
    """An active advanced user (of any company) by their public user key; standard users are
    never found this way."""
    if not USER_KEY_RE.fullmatch(user_key):
        return None
    return (
        User.objects.filter(user_key=user_key, is_active=True)
        .filter(memberships__kind=MembershipKind.ADVANCED, memberships__status="active")
        .distinct()
        .first()
    )


# --- Invitations ----------------------------------------------------------------------------


class InvitationState(LinkState):
    """An invitation link's states: those of every link, and withdrawn."""

    WITHDRAWN = "withdrawn"


def _invitation_closed(invitation: Invitation) -> str | None:
    """Withdrawn or replaced by a newer link, or the company's link with the person has ended."""
    membership = invitation.membership
    if (
        invitation.withdrawn_at is not None
        or membership.status != MembershipStatus.INVITED
        or membership.kind != MembershipKind.ADVANCED
    ):
        return InvitationState.WITHDRAWN
    return None


def invitation_lookup(*, key: str, now: datetime | None = None) -> FoundLink[Invitation]:
    """The invitation of a link, found by the digest of its key, and what it can do now."""
    return link_lookup(
        Invitation.objects.select_related("membership__user", "membership__company", "created_by"),
        key,
        now=now,
        closed=_invitation_closed,
    )


def invitation_state(invitation: Invitation | None, *, now: datetime | None = None) -> str:
    return link_state(invitation, now=now, closed=_invitation_closed)


# --- Export ---------------------------------------------------------------------------------


def advanced_export_rows(*, company, offer: Offer) -> tuple[list[Permission], Iterator[dict]]:
    """The company's advanced users with, per offered permission, the accounts where they hold
    it. Details and rights only: never a password, a key or a username."""
    permissions = [p for app in offer.applications for p in offer.permissions[app.pk]]
    memberships = list(
        _with_invitations(advanced_membership_queryset(company=company)).order_by(
            "user__last_name", "user__first_name", "pk"
        )
    )
    held: dict[tuple[int, int], set[str]] = defaultdict(set)
    rows = (
        Grant.objects.active()
        .filter(
            membership__in=[m.pk for m in memberships],
            permission__in=[p.pk for p in permissions],
            accounts__isnull=False,
        )
        .values_list("membership_id", "permission_id", "accounts__number")
    )
    for membership_id, permission_id, number in rows:
        held[(membership_id, permission_id)].add(number)
    now = timezone.now()

    def generate() -> Iterator[dict]:
        for m in memberships:
            yield {
                "membership": m,
                "status": advanced_status(m, now=now),
                "rights": [sorted(held.get((m.pk, p.pk), ())) for p in permissions],
            }

    return permissions, generate()
