"""Support staff put an account under eSecure and register its customer admins."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Company, CustomerAccount, Membership, MembershipKind, User
from accounts.selectors import user_by_email
from accounts.services import (
    AuditKind,
    audit_record,
    membership_add,
    password_reset_url,
    person_register,
)
from notifications import emails

from ..models import (
    AdminInvitation,
    AuthorizedSender,
    CustomerAdmin,
    Origin,
    ProtectedAccount,
    SenderStatus,
    Status,
    UsageRecord,
)
from .invitations import admin_invite
from .normalise import normalise_email

HISTORY_DAYS = 396  # 13 months


@transaction.atomic
def protection_enable(
    *,
    account: CustomerAccount,
    admin_email: str,
    first_name: str,
    last_name: str,
    language: str = "fr",
    actor: User,
    ip_address: str | None = None,
) -> ProtectedAccount:
    """Puts an account under eSecure (inactive until an admin activates it), lists the e-mails of
    its last 13 months as pending (origin history) and registers the first customer admin."""
    protected, created = ProtectedAccount.objects.get_or_create(
        account=account, defaults={"origin": Origin.SUPPORT, "assigned_by": actor}
    )
    if created:
        history_list(protected=protected)
        audit_record(
            actor=actor,
            company=account.company,
            kind=AuditKind.ESECURE_ACCOUNT_ENABLED,
            target=protected,
            after={"account": account.number},
            ip_address=ip_address,
        )
    customer_admin_add(
        protected=protected,
        email=admin_email,
        first_name=first_name,
        last_name=last_name,
        language=language,
        actor=actor,
        origin=Origin.SUPPORT,
        ip_address=ip_address,
    )
    return protected


def history_list(*, protected: ProtectedAccount) -> int:
    """Every e-mail that used the account in the last 13 months becomes a pending sender."""
    since = timezone.localdate() - timedelta(days=HISTORY_DAYS)
    emails_seen = (
        UsageRecord.objects.filter(account=protected.account, used_on__gte=since)
        .values_list("email", flat=True)
        .distinct()
    )
    now = timezone.now()
    created = AuthorizedSender.objects.bulk_create(
        [
            AuthorizedSender(
                protected_account=protected,
                email=email,
                origin=Origin.HISTORY,
                status=SenderStatus.PENDING,
                created_at=now,
                modified_at=now,
            )
            for email in emails_seen
        ],
        ignore_conflicts=True,
    )
    ProtectedAccount.objects.filter(pk=protected.pk).update(history_listed_at=now)
    return len(created)


@transaction.atomic
def customer_admin_add(
    *,
    protected: ProtectedAccount,
    email: str,
    first_name: str,
    last_name: str,
    language: str = "fr",
    actor: User,
    origin: str = Origin.MANUAL,
    ip_address: str | None = None,
) -> CustomerAdmin | AdminInvitation:
    """Support makes a person customer admin of a protected account: a new login (member of the
    account's company) gets a link to create their password, a login of the company a welcome
    e-mail. A login that does not belong to the company is invited instead (AdminInvitation):
    it joins the company only by accepting."""
    email = normalise_email(email)
    company = protected.account.company
    existing = user_by_email(email=email)
    is_new = existing is None
    if existing is not None and not _belongs(existing, company):
        return admin_invite(
            protected=protected,
            email=email,
            first_name=first_name,
            last_name=last_name,
            language=language,
            actor=actor,
            origin=origin,
            ip_address=ip_address,
        )
    if existing is None:
        user = person_register(
            email=email,
            first_name=first_name,
            last_name=last_name,
            language=language,
            company=company,
            actor=actor,
            ip_address=ip_address,
        ).user
    else:
        user = existing
        membership_add(user=user, company=company, actor=actor, ip_address=ip_address)
    admin, created = CustomerAdmin.objects.get_or_create(
        protected_account=protected,
        user=user,
        defaults={"origin": origin, "assigned_by": actor, "status": Status.ACTIVE},
    )
    if not created and admin.status != Status.ACTIVE:
        admin.status, admin.assigned_by = Status.ACTIVE, actor
        admin.save(update_fields=["status", "assigned_by", "modified_at"])
    audit_record(
        actor=actor,
        company=company,
        kind=AuditKind.ESECURE_ADMIN_ADDED,
        target=admin,
        after={"account": protected.account.number, "email": email, "new_login": is_new},
        ip_address=ip_address,
    )
    if is_new:
        emails.send_esecure_create_password(
            user=user,
            display_name=user.display_name,
            account_number=protected.account.number,
            company_name=company.name,
            create_url=password_reset_url(user=user),
            valid_hours=settings.PASSWORD_RESET_TIMEOUT // 3600,
        )
    else:
        emails.send_esecure_welcome(
            user=user,
            display_name=user.display_name,
            account_number=protected.account.number,
            company_name=company.name,
            portal_url=settings.SITE_URL + reverse("approvals:sender-list"),
        )
    return admin


def _belongs(user: User, company: Company) -> bool:
    """A login of the company itself (a provider acting for it does not count)."""
    return (
        Membership.objects.active()
        .filter(user=user, company=company)
        .exclude(kind=MembershipKind.PROVIDER)
        .exists()
    )
