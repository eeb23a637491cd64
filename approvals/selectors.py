"""Reads of the eSecure area. Everything is scoped to the protected accounts on which the person
is an active customer admin, in the selected company: `esecure_accounts_for` is the gate."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from accounts.models import Company, Membership, User
from accounts.permissions import account_counts_q, member_counts
from common.links import FoundLink, link_lookup

from .models import (
    AccessRequest,
    AdminInvitation,
    AdminInvitationStatus,
    AuthorizedDomain,
    AuthorizedSender,
    CustomerAdmin,
    ProtectedAccount,
    RequestStatus,
    SenderStatus,
    Status,
)


def esecure_accounts_for(membership: Membership | None) -> QuerySet[ProtectedAccount]:
    """Protected accounts of the membership's company on which its person is an active customer
    admin, counted as the access module counts a holding: the person, the membership and the
    company active (`member_counts`), the customer account active. Empty: no eSecure area."""
    if not member_counts(membership):
        return ProtectedAccount.objects.none()
    assert membership is not None  # for mypy: member_counts(None) is False
    return ProtectedAccount.objects.filter(
        account_counts_q("account__"),
        account__company_id=membership.company_id,
        admins__user_id=membership.user_id,
        admins__status=Status.ACTIVE,
    )


def is_esecure_admin(*, membership: Membership | None) -> bool:
    """Does this person administer at least one protected account of this company? (One query.)"""
    return esecure_accounts_for(membership).exists()


@dataclass(frozen=True)
class EsecureScope:
    """The accounts a customer admin works on: ids, and (id, number) pairs for choices."""

    choices: tuple[tuple[int, str], ...]

    @property
    def ids(self) -> frozenset[int]:
        return frozenset(pk for pk, _number in self.choices)

    def __bool__(self) -> bool:
        return bool(self.choices)


def esecure_scope(membership: Membership | None) -> EsecureScope:
    """The scope in one query."""
    rows = (
        esecure_accounts_for(membership)
        .order_by("account__number")
        .values_list("pk", "account__number")
    )
    return EsecureScope(choices=tuple((pk, str(number)) for pk, number in rows))


def _in_scope(queryset: QuerySet, scope: EsecureScope, field: str = "protected_account_id"):
    return queryset.filter(**{f"{field}__in": scope.ids})


def _apply(queryset: QuerySet, filters: dict, lookups: dict[str, str]) -> QuerySet:
    """Applies the non-empty filters through their lookups."""
    for name, lookup in lookups.items():
        value = filters.get(name)
        if value not in (None, ""):
            queryset = queryset.filter(**{lookup: value})
    return queryset


# --- Authorized users -------------------------------------------------------------------------

SENDER_SORTS = {
    "email": ("email", "protected_account__account__number"),
    "account": ("protected_account__account__number", "email"),
    "origin": ("origin", "email"),
    "status": ("status", "email"),
    "assigned_by": ("assigned_by__username", "email"),
    "modified": ("modified_at", "email"),
}


def _ordered(
    queryset: QuerySet, sorts: dict, sort: str, default: str, scope: EsecureScope | None = None
) -> QuerySet:
    """The list in the order of a sort header; "-key" reverses the whole order, ties included,
    so that an index read backwards serves it (the pages are read by keyset)."""
    key = sort.lstrip("-")
    if key not in sorts:
        key, sort = default, default
    fields = (*sorts[key], "pk")
    if scope is not None and _numbers_follow_ids(scope):
        # The same order without joining the customer account: the index on
        # (protected_account, e-mail) then serves the sort by account number.
        fields = tuple(
            "protected_account_id" if f == "protected_account__account__number" else f
            for f in fields
        )
    if sort.startswith("-"):
        fields = tuple(f"-{f}" for f in fields)
    return queryset.order_by(*fields)


def _numbers_follow_ids(scope: EsecureScope) -> bool:
    """Do the scope's accounts, in account-number order, also come in id order?"""
    ids = [pk for pk, _number in scope.choices]
    return ids == sorted(ids)


def sender_list(
    *, scope: EsecureScope, filters: dict, sort: str = "email"
) -> QuerySet[AuthorizedSender]:
    senders = _in_scope(AuthorizedSender.objects.all(), scope)
    senders = _apply(
        senders,
        filters,
        {"account": "protected_account_id", "status": "status", "origin": "origin"},
    )
    if filters.get("email"):
        senders = senders.filter(email__contains=filters["email"].strip().lower())
    senders = senders.select_related("protected_account__account", "assigned_by")
    return _ordered(senders, SENDER_SORTS, sort, "email", scope)


def sender_pending_count(*, scope: EsecureScope) -> int:
    return _in_scope(AuthorizedSender.objects.filter(status=SenderStatus.PENDING), scope).count()


def senders_get(*, scope: EsecureScope, ids: Iterable[int]) -> list[AuthorizedSender] | None:
    """The senders with these ids, or None when one of them is out of the scope (→ 404)."""
    wanted = set(ids)
    found = list(
        _in_scope(AuthorizedSender.objects.filter(pk__in=wanted), scope).select_related(
            "protected_account__account__company"
        )
    )
    return found if len(found) == len(wanted) else None


def open_requests_by_sender(senders: Iterable[AuthorizedSender]) -> dict[int, AccessRequest]:
    """Sender id → its pending access request, in one query."""
    by_key = {(s.protected_account_id, s.email): s.pk for s in senders}
    if not by_key:
        return {}
    condition = Q()
    for account_id, email in by_key:
        condition |= Q(protected_account_id=account_id, email=email)
    requests = AccessRequest.objects.filter(condition, status=RequestStatus.PENDING)
    return {by_key[(r.protected_account_id, r.email)]: r for r in requests}


# --- Authorized domains -----------------------------------------------------------------------

DOMAIN_SORTS = {
    "domain": ("domain", "protected_account__account__number"),
    "account": ("protected_account__account__number", "domain"),
    "origin": ("origin", "domain"),
    "status": ("status", "domain"),
    "assigned_by": ("assigned_by__username", "domain"),
    "modified": ("modified_at", "domain"),
}


def domain_list(
    *, scope: EsecureScope, filters: dict, sort: str = "domain"
) -> QuerySet[AuthorizedDomain]:
    domains = _apply(
        _in_scope(AuthorizedDomain.objects.all(), scope),
        filters,
        {"account": "protected_account_id", "status": "status", "origin": "origin"},
    )
    if filters.get("domain"):
        domains = domains.filter(domain__contains=filters["domain"].strip().lower().lstrip("@"))
    domains = domains.select_related("protected_account__account__company", "assigned_by")
    return _ordered(domains, DOMAIN_SORTS, sort, "domain", scope)


def domains_get(*, scope: EsecureScope, ids: Iterable[int]) -> list[AuthorizedDomain] | None:
    wanted = set(ids)
    found = list(
        _in_scope(AuthorizedDomain.objects.filter(pk__in=wanted), scope).select_related(
            "protected_account__account__company"
        )
    )
    return found if len(found) == len(wanted) else None


# --- Customer admins --------------------------------------------------------------------------

ADMIN_SORTS = {
    "account": ("protected_account__account__number", "user__email"),
    "email": ("user__email", "protected_account__account__number"),
    "first_name": ("user__first_name", "user__last_name"),
    "last_name": ("user__last_name", "user__first_name"),
    "origin": ("origin", "user__email"),
    "status": ("status", "user__email"),
    "assigned_by": ("assigned_by__username", "user__email"),
    "modified": ("modified_at", "user__email"),
}


def admin_list(*, scope: EsecureScope, filters: dict, sort: str = "account") -> QuerySet:
    admins = _apply(
        _in_scope(CustomerAdmin.objects.all(), scope),
        filters,
        {"account": "protected_account_id", "status": "status", "origin": "origin"},
    )
    if filters.get("email"):
        admins = admins.filter(user__email__icontains=filters["email"].strip())
    if filters.get("name"):
        name = filters["name"].strip()
        admins = admins.filter(
            Q(user__first_name__icontains=name) | Q(user__last_name__icontains=name)
        )
    admins = admins.select_related("protected_account__account__company", "user", "assigned_by")
    return _ordered(admins, ADMIN_SORTS, sort, "account")


def admins_get(*, scope: EsecureScope, ids: Iterable[int]) -> list[CustomerAdmin] | None:
    wanted = set(ids)
    found = list(
        _in_scope(CustomerAdmin.objects.filter(pk__in=wanted), scope).select_related(
            "protected_account__account__company", "user"
        )
    )
    return found if len(found) == len(wanted) else None


# --- Customer admin invitations ---------------------------------------------------------------

INVITATIONS_SHOWN = 50
WITHDRAWN = "withdrawn"  # a closed-link state of its own


def admin_invitation_list(*, scope: EsecureScope) -> list[AdminInvitation]:
    """The latest invitations of the scope's accounts, newest first: the address and the names
    the inviter typed, never those of a login that has the address."""
    return list(
        _in_scope(AdminInvitation.objects.all(), scope).select_related(
            "protected_account__account", "invited_by"
        )[:INVITATIONS_SHOWN]
    )


def admin_invitation_in_company(*, company: Company | None, pk: int) -> AdminInvitation | None:
    """An invitation of one of the company's protected accounts (None: 404, looked up before
    any right is checked)."""
    if company is None:
        return None
    return (
        AdminInvitation.objects.filter(pk=pk, protected_account__account__company=company)
        .select_related("protected_account__account__company", "invited_by")
        .first()
    )


def admin_invitation_state(invitation: AdminInvitation) -> str | None:
    """A link closed by the inviter (withdrawn) has its own page."""
    if invitation.status == AdminInvitationStatus.WITHDRAWN:
        return WITHDRAWN
    return None


def admin_invitation_lookup(*, key: str) -> FoundLink[AdminInvitation]:
    """The invitation of an e-mailed link and what the link can do now (reads only)."""
    return link_lookup(
        AdminInvitation.objects.select_related("protected_account__account__company", "invited_by"),
        key,
        closed=admin_invitation_state,
    )


def admin_invitation_for_person_list(*, user: User) -> list[AdminInvitation]:
    """Open invitations sent to this person's address."""
    if not user.email:
        return []
    return list(
        AdminInvitation.objects.open()
        .pending()
        .for_email(user.email)
        .select_related("protected_account__account__company", "invited_by")
    )


def admin_invitation_for_person_get(*, user: User, pk: int) -> AdminInvitation | None:
    """One invitation sent to this person's address (None: 404)."""
    if not user.email:
        return None
    return (
        AdminInvitation.objects.for_email(user.email)
        .filter(pk=pk)
        .select_related("protected_account__account__company", "invited_by")
        .first()
    )


# --- Account numbers --------------------------------------------------------------------------

ACCOUNT_SORTS = {
    "account": ("account__number",),
    "starts_on": ("starts_on", "account__number"),
    "ends_on": ("ends_on", "account__number"),
    "origin": ("origin", "account__number"),
    "status": ("is_active", "account__number"),
    "consent": ("show_admin_contacts", "account__number"),
    "assigned_by": ("assigned_by__username", "account__number"),
    "modified": ("modified_at", "account__number"),
}


def account_list(*, scope: EsecureScope, filters: dict, sort: str = "account") -> QuerySet:
    accounts = _apply(
        ProtectedAccount.objects.filter(pk__in=scope.ids),
        filters,
        {"account": "pk", "origin": "origin"},
    )
    status = filters.get("status")
    if status:
        accounts = accounts.filter(is_active=status == Status.ACTIVE)
    consent = filters.get("consent")
    if consent:
        accounts = accounts.filter(show_admin_contacts=consent == "yes")
    accounts = accounts.select_related("account__company", "assigned_by")
    return _ordered(accounts, ACCOUNT_SORTS, sort, "account")


def company_account_get(*, company, pk: int) -> ProtectedAccount | None:
    """A protected account of the company, whoever manages it (object routes look it up first)."""
    return (
        ProtectedAccount.objects.filter(pk=pk, account__company=company)
        .select_related("account__company")
        .first()
    )


def accounts_get(*, scope: EsecureScope, ids: Iterable[int]) -> list[ProtectedAccount] | None:
    wanted = set(ids)
    if not wanted <= scope.ids:
        return None
    return list(ProtectedAccount.objects.filter(pk__in=wanted).select_related("account__company"))
