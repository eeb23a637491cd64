"""Reads: memberships, companies and the audit log, always scoped to a company or a person."""

from django.db.models import Q, QuerySet

from ..models import AuditEvent, Company, Membership, MembershipKind, User


def membership_list_for_user(*, user: User) -> list[Membership]:
    """Active memberships of a person, own companies first, then third-party companies."""
    memberships = list(Membership.objects.active().filter(user=user).select_related("company"))
    memberships.sort(key=lambda m: (m.kind == MembershipKind.PROVIDER, m.company.name.lower()))
    return memberships


def membership_current(*, user: User, company_id: int | None) -> Membership | None:
    """The membership for the selected company, or the only one when there is just one."""
    memberships = Membership.objects.active().filter(user=user).select_related("company", "user")
    if company_id is not None:
        selected = memberships.filter(company_id=company_id).first()
        if selected is not None:
            return selected
    first_two = list(memberships[:2])
    return first_two[0] if len(first_two) == 1 else None


def company_admin_list(*, company: Company) -> QuerySet[Membership]:
    """Active administrators of a company (named to people who need to contact one)."""
    return (
        Membership.objects.active()
        .for_company(company)
        .admins()
        .exclude(kind=MembershipKind.TECHNICAL)
        .select_related("user")
        .order_by("user__last_name", "user__first_name")
    )


def audit_event_list(*, company: Company) -> QuerySet[AuditEvent]:
    """Newest first; the order is explicit, the log's pages being read by keyset on it."""
    return (
        AuditEvent.objects.for_company(company)
        .select_related("actor")
        .order_by("-created_at", "-id")
    )


def user_ids_for_login(*, login: str) -> list[int]:
    """Every account a typed identifier may open: its username or e-mail, any case (the caller
    trims). Usually one; two only if a username looks like another person's e-mail. Inactive
    accounts too: a lock is about the identifier, not about whether it works."""
    if not login:
        return []
    return sorted(
        User.objects.filter(
            Q(username__iexact=login)
            | Q(email__iexact=login)
            # allauth's own address table: empty since its management pages are closed, read
            # anyway because allauth signs in with any address it holds.
            | Q(emailaddress__email__iexact=login)
        )
        .values_list("pk", flat=True)
        .distinct()
    )


def user_may_recover_password(*, user: User) -> bool:
    """Self-service recovery needs the right in at least one active membership (staff always)."""
    if user.is_staff:
        return True
    return Membership.objects.active().filter(user=user, can_recover_password=True).exists()


def admin_list_for_user(*, user: User) -> list[Membership]:
    """The administrators of every company a person belongs to (excluding the person)."""
    company_ids = Membership.objects.filter(user=user).values("company_id")
    return list(
        Membership.objects.active()
        .filter(company_id__in=company_ids)
        .exclude(kind__in=[MembershipKind.PROVIDER, MembershipKind.TECHNICAL])
        .admins()
        .exclude(user=user)
        .select_related("user", "company")
        .order_by("company__name", "user__last_name")
    )


def company_overview(*, company: Company) -> dict[str, int]:
    """The dashboard's figures for one company, in a fixed number of queries."""
    from django.db.models import Count, Q

    from ..models import AccountApplication, BillingAddress, CustomerAccount

    people = Membership.objects.for_company(company).aggregate(
        active=Count("pk", filter=Q(status="active", user__is_active=True)),
        admins=Count(
            "pk",
            filter=Q(status="active", user__is_active=True)
            & (Q(can_manage_users=True) | Q(can_manage_admins=True)),
        ),
        pending=Count("pk", filter=Q(status__in=["invited", "pending"])),
        deactivated=Count("pk", filter=Q(status="deactivated") | Q(user__is_active=False)),
    )
    return {
        **people,
        "accounts": CustomerAccount.objects.for_company(company).active().count(),
        "billing_addresses": BillingAddress.objects.for_company(company).active().count(),
        "applications": AccountApplication.objects.filter(account__company=company)
        .values("application")
        .distinct()
        .count(),
    }


def company_application_list(*, company: Company) -> list[dict]:
    """Applications enabled on the company's accounts, with the account numbers of each."""
    from ..models import AccountApplication

    rows = (
        AccountApplication.objects.filter(account__company=company, account__is_active=True)
        .select_related("application", "account")
        .order_by("application__position", "application__name", "account__number")
    )
    apps: dict[int, dict] = {}
    for row in rows:
        entry = apps.setdefault(
            row.application_id, {"application": row.application, "accounts": []}
        )
        entry["accounts"].append(row.account.number)
    return list(apps.values())
