"""Passwords, recovery and sign-in records."""

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from notifications import emails

from .. import selectors
from ..models import AuditKind, Company, User
from .audit import audit_record


@transaction.atomic
def user_password_change(*, user: User, password: str, actor: User, ip_address: str | None) -> None:
    """Sets a new password chosen by its holder; a temporary password stops being one."""
    was_temporary = user.must_change_password
    user.set_password(password)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    audit_record(
        actor=actor,
        company=None,
        kind=AuditKind.USER_PASSWORD_CHANGED,
        target=user,
        before={"must_change_password": was_temporary},
        after={"must_change_password": False},
        ip_address=ip_address,
    )
    if user.email:
        emails.send_password_changed(user=user, display_name=user.display_name)


def _user_by_login(login: str) -> User | None:
    login = login.strip()
    if not login:
        return None
    return (
        User.objects.filter(is_active=True)
        .filter(Q(username__iexact=login) | Q(email__iexact=login))
        .exclude(email="")
        .order_by("pk")
        .first()
    )


def password_reset_url(*, user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("accounts:password-reset-confirm", kwargs={"uidb64": uid, "token": token})
    return f"{settings.SITE_URL}{path}"


@transaction.atomic
def password_recovery_request(*, login: str, ip_address: str | None) -> None:
    """Forgotten username/password: e-mails the username and a reset link only to people who
    hold self-service recovery; others get an e-mail naming their administrators. Says nothing
    to the caller either way, so the answer never reveals whether an account exists."""
    user = _user_by_login(login)
    if user is None:
        return
    if selectors.user_may_recover_password(user=user):
        emails.send_password_reset(
            user=user,
            username=user.username,
            display_name=user.display_name,
            reset_url=password_reset_url(user=user),
            valid_hours=settings.PASSWORD_RESET_TIMEOUT // 3600,
        )
        kind = AuditKind.USER_PASSWORD_RECOVERY_SENT
    else:
        admins = [
            {
                "name": m.user.display_name,
                "company": m.company.name,
                "email": m.user.email,
                "phone": m.user.phone,
            }
            for m in selectors.admin_list_for_user(user=user)
        ]
        emails.send_recovery_unavailable(user=user, display_name=user.display_name, admins=admins)
        kind = AuditKind.USER_PASSWORD_RECOVERY_REFUSED
    audit_record(actor=None, company=None, kind=kind, target=user, ip_address=ip_address)


@transaction.atomic
def user_password_reset(*, user: User, password: str, ip_address: str | None) -> None:
    """Sets the password chosen through a recovery link."""
    user.set_password(password)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    audit_record(
        actor=user,
        company=None,
        kind=AuditKind.USER_PASSWORD_RESET,
        target=user,
        ip_address=ip_address,
    )
    emails.send_password_changed(user=user, display_name=user.display_name)


def sign_in_record(*, user: User, ip_address: str | None) -> None:
    """Audits a successful sign-in, in the log of each company the person belongs to."""
    companies: list[Company | None] = [
        m.company for m in selectors.membership_list_for_user(user=user)
    ]
    for company in companies or [None]:
        audit_record(
            actor=user,
            company=company,
            kind=AuditKind.USER_SIGNED_IN,
            target=user,
            ip_address=ip_address,
        )


def sign_in_failure_record(*, login: str, ip_address: str | None) -> None:
    """Audits a failed sign-in (the login typed, never the password)."""
    audit_record(
        actor=None,
        company=None,
        kind=AuditKind.USER_SIGN_IN_FAILED,
        after={"login": login[:150]},
        ip_address=ip_address,
        actor_repr=login[:150],
    )
