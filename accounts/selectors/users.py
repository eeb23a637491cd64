"""Reads for the standard users pages ("Mes utilisateurs") and their rights pages.

Every read starts from a company: a person of another company is never found (the views answer
404). Standard users are the memberships of kind employee and technical; advanced users and
providers have their own pages.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Coalesce, Lower
from django.utils.translation import gettext as _

from ..models import (
    OPEN_GRANT_STATUSES,
    AccessProfile,
    AccountApplication,
    Application,
    AuditEvent,
    AuditKind,
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
from ..permissions import SCOPE_DIMENSIONS, Scope, grants_with_scopes

STANDARD_KINDS = (MembershipKind.EMPLOYEE, MembershipKind.TECHNICAL)

# ?sort= values of the users list and the columns they order by (ties broken by username).
# Never NULL (no creator: ""), the pages being read by keyset on these values.
USER_SORTS = {
    "username": (Lower("user__username"),),
    "name": (Lower("user__last_name"), Lower("user__first_name")),
    "email": (Lower("user__email"),),
    "created_by": (Coalesce(Lower("created_by__username"), Value("")),),
}


def _deactivated() -> Q:
    return Q(status=MembershipStatus.DEACTIVATED) | Q(user__is_active=False)


def standard_membership_queryset(*, company: Company) -> QuerySet[Membership]:
    """Standard users of a company (employees and technical users), whatever their status."""
    return Membership.objects.for_company(company).filter(kind__in=STANDARD_KINDS)


def standard_membership_get(*, company: Company, user_id: int) -> Membership:
    """The standard membership of `user_id` in `company`; raises Membership.DoesNotExist."""
    return (
        standard_membership_queryset(company=company)
        .select_related("user", "company", "created_by")
        .get(user_id=user_id)
    )


def standard_membership_list(
    *, company: Company, query: str = "", sort: str = "username", deactivated: bool = False
) -> QuerySet[Membership]:
    """The users list: search in username, names and e-mail, sort, deactivated ones on demand.

    Each row carries `elsewhere`: the person is also an administrator or a provider of another
    company (SPEC C4), computed in the same query.
    """
    elsewhere = (
        Membership.objects.active()
        .filter(user=OuterRef("user"))
        .exclude(company=company)
        .filter(
            Q(can_manage_users=True) | Q(can_manage_admins=True) | Q(kind=MembershipKind.PROVIDER)
        )
    )
    memberships = (
        standard_membership_queryset(company=company)
        .select_related("user", "created_by")
        .annotate(elsewhere=Exists(elsewhere))
    )
    if not deactivated:
        memberships = memberships.exclude(_deactivated())
    for term in query.split():
        memberships = memberships.filter(
            Q(user__username__icontains=term)
            | Q(user__first_name__icontains=term)
            | Q(user__last_name__icontains=term)
            | Q(user__email__icontains=term)
        )
    descending = sort.startswith("-")
    columns = USER_SORTS.get(sort.lstrip("-"), USER_SORTS["username"])
    ordering = [c.desc() if descending else c.asc() for c in columns]
    return memberships.order_by(*ordering, "user__username", "pk")


def copy_source_list(*, company: Company, exclude_user_id: int) -> QuerySet[Membership]:
    """Standard users of the company whose rights can be copied: active, holding a right."""
    holds = Grant.objects.active().filter(membership=OuterRef("pk"))
    return (
        standard_membership_queryset(company=company)
        .filter(status=MembershipStatus.ACTIVE, user__is_active=True)
        .exclude(user_id=exclude_user_id)
        .filter(Exists(holds))
        .select_related("user")
        .order_by(Lower("user__username"))
    )


def user_is_technical(*, user: User) -> bool:
    """A technical user: member of companies only as a technical user (API key, no sign-in)."""
    kinds = set(Membership.objects.filter(user=user).values_list("kind", flat=True))
    return kinds == {MembershipKind.TECHNICAL}


def user_by_email(*, email: str) -> User | None:
    """The login with this e-mail address (any case), if there is one."""
    return User.objects.filter(email__iexact=email.strip()).first()


def username_taken(*, username: str) -> bool:
    return User.objects.filter(username__iexact=username.strip()).exists()


def email_taken(*, email: str, exclude_user_id: int | None = None) -> bool:
    users = User.objects.filter(email__iexact=email.strip())
    if exclude_user_id is not None:
        users = users.exclude(pk=exclude_user_id)
    return bool(email.strip()) and users.exists()


# --- Rights ------------------------------------------------------------------------------


def member_rights(
    *, membership: Membership, application: Application | None = None
) -> dict[int, Scope]:
    """A member's stored rights (permission id → scope), even while the member is deactivated:
    the rights pages show what reactivation would restore."""
    grants = Grant.objects.active().direct().filter(membership=membership)
    if application is not None:
        grants = grants.filter(permission__application=application)
    return {g.permission_id: Scope.of_grant(g) for g in grants_with_scopes(grants)}


def enabled_application_list(*, company: Company) -> list[Application]:
    """Applications enabled on at least one active account of the company, in catalog order."""
    enabled = AccountApplication.objects.filter(
        application=OuterRef("pk"), account__company=company, account__is_active=True
    )
    return list(Application.objects.filter(is_active=True).filter(Exists(enabled)))


def enabled_application_get(*, company: Company, code: str) -> Application:
    """An application enabled on the company's accounts; raises Application.DoesNotExist."""
    enabled = AccountApplication.objects.filter(
        application=OuterRef("pk"), account__company=company, account__is_active=True
    )
    return Application.objects.filter(is_active=True).filter(Exists(enabled)).get(code=code)


@dataclass
class RightsChoices:
    """Everything a rights form of one application offers, loaded in a fixed number of queries."""

    application: Application
    permissions: list[Permission]
    accounts: list[CustomerAccount] = field(default_factory=list)
    billing_addresses: list[BillingAddress] = field(default_factory=list)
    products: list[Product] = field(default_factory=list)
    service_types: list[ServiceType] = field(default_factory=list)
    profiles: list[AccessProfile] = field(default_factory=list)

    def items(self, dimension: str) -> list:
        return getattr(self, dimension)

    def names(self) -> dict[str, dict[int, str]]:
        """Readable name of every item, per dimension (account numbers, labels)."""
        return {
            "accounts": {a.pk: a.number for a in self.accounts},
            "billing_addresses": {b.pk: b.name for b in self.billing_addresses},
            "products": {p.pk: p.label for p in self.products},
            "service_types": {t.pk: t.label for t in self.service_types},
        }


def rights_choices(*, company: Company, application: Application) -> RightsChoices:
    """The permissions and scope items an admin may pick from on one application."""
    choices = RightsChoices(
        application=application,
        permissions=list(
            application.permissions.filter(is_active=True).select_related("application")
        ),
        accounts=list(
            CustomerAccount.objects.for_company(company)
            .active()
            .filter(applications=application)
            .distinct()
            .order_by("number")
        ),
    )
    if application.uses_billing_addresses:
        choices.billing_addresses = list(
            BillingAddress.objects.for_company(company).active().order_by("name")
        )
    if application.uses_products:
        choices.products = list(application.products.order_by("position", "name"))
    if application.uses_service_types:
        choices.service_types = list(application.service_types.order_by("position", "number"))
    if application.uses_profiles:
        choices.profiles = list(
            application.profiles.order_by("position").prefetch_related("rules", "service_types")
        )
    return choices


def union_scope(rights: dict[int, Scope]) -> Scope:
    """Every item of every right: what a rights form shows as selected."""
    scope = Scope()
    for value in rights.values():
        scope = scope | value
    return scope


def scope_summary(scope: Scope, names: dict[str, dict[int, str]]) -> dict[str, list[str]]:
    """Readable names of a scope's items, per dimension, in the order of `names` (catalog
    order); unknown ids are left out."""
    return {
        dim: [name for pk, name in names[dim].items() if pk in getattr(scope, dim)]
        for dim in SCOPE_DIMENSIONS
    }


# --- Why does this person hold this right? ----------------------------------------------------


@dataclass(frozen=True)
class RightOrigin:
    """Where a right comes from: who first gave it and when, who last changed it and how."""

    granted_by: str
    granted_at: datetime
    changed_by: str = ""
    changed_at: datetime | None = None
    copied_from: str = ""


def right_origin_map(*, membership: Membership) -> dict[int, RightOrigin]:
    """Per permission id held directly, its origin, from the grant and the audit log (two
    queries): the last rights change that touched the permission, and whether it was a copy."""
    grants = (
        Grant.objects.active()
        .direct()
        .filter(membership=membership)
        .select_related("granted_by", "permission")
    )
    events = AuditEvent.objects.filter(
        kind=AuditKind.RIGHTS_CHANGED,
        target_type=Membership._meta.label_lower,
        target_id=str(membership.pk),
    ).order_by("-created_at", "-pk")[:200]
    last: dict[str, AuditEvent] = {}
    for event in events:
        before, after = event.before or {}, event.after or {}
        for code, scope in after.items():
            skip = code in last or code in ("application", "copied_from")
            if not skip and before.get(code) != scope:
                last[code] = event
    origins = {}
    for grant in grants:
        change = last.get(grant.permission.code)
        origins[grant.permission_id] = RightOrigin(
            granted_by=_who(grant.granted_by),
            granted_at=grant.created_at,
            changed_by=(change.actor_repr or _who(change.actor)) if change else "",
            changed_at=change.created_at if change else None,
            copied_from=str((change.after or {}).get("copied_from", "")) if change else "",
        )
    return origins


def _who(user: User | None) -> str:
    if user is None:
        return ""
    return user.username if not user.is_staff else _("le support du transporteur")


@dataclass(frozen=True)
class HandedOnRight:
    """A right a router's user holds because the router handed it on: from which customer."""

    grant: Grant
    customer: str
    accounts: list[str]
    handed_on_by: str
    handed_on_at: datetime
    received_by: str
    received_at: datetime


def handed_on_right_list(*, membership: Membership) -> list[HandedOnRight]:
    """The rights handed on to this member from grants their company received (routers)."""
    grants = (
        Grant.objects.filter(membership=membership, parent__isnull=False)
        .filter(status__in=OPEN_GRANT_STATUSES)
        .select_related(
            "permission__application", "granted_by", "parent__grantor_company", "parent__granted_by"
        )
        .prefetch_related("accounts")
        .order_by("permission__application__position", "permission__position")
    )
    result = []
    for grant in grants:
        parent = grant.parent
        assert parent is not None and parent.grantor_company is not None
        result.append(
            HandedOnRight(
                grant=grant,
                customer=parent.grantor_company.name,
                accounts=[a.number for a in grant.accounts.all()],
                handed_on_by=_who(grant.granted_by),
                handed_on_at=grant.created_at,
                received_by=_who(parent.granted_by),
                received_at=parent.created_at,
            )
        )
    return result


# --- Whom a deactivated person may ask ----------------------------------------------------

ADMIN_CONTACTS_PER_COMPANY = 5


@dataclass
class CompanyContacts:
    company: Company
    admins: list[User]


def admin_contacts_for(*, user_id: int) -> list[CompanyContacts]:
    """The active administrators of each active company the person belongs (or belonged) to:
    whom to ask to be reactivated. Providers' principals are not their company: left out."""
    memberships = (
        Membership.objects.filter(user_id=user_id, company__is_active=True)
        .exclude(kind=MembershipKind.PROVIDER)
        .exclude(status=MembershipStatus.REFUSED)
        .select_related("company")
        .order_by("company__name")
    )
    companies = [m.company for m in memberships]
    admins = (
        Membership.objects.active()
        .admins()
        .filter(company__in=companies)
        .exclude(user_id=user_id)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "pk")
    )
    per_company: dict[int, list[User]] = {}
    for link in admins:
        per_company.setdefault(link.company_id, []).append(link.user)
    return [
        CompanyContacts(company, per_company.get(company.pk, [])[:ADMIN_CONTACTS_PER_COMPANY])
        for company in companies
    ]
