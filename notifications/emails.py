"""One function per e-mail. Each builds a JSON-serialisable context and queues one outbox row.

Callers pass plain values (names, URLs); this module never reads other apps' models.
"""

from .models import OutboundEmail
from .services import email_queue


def send_password_reset(
    *, user, username: str, display_name: str, reset_url: str, valid_hours: int
) -> OutboundEmail:
    """Self-service recovery: the username and a link to choose a new password."""
    return email_queue(
        kind="password_reset",
        recipient=user.email,
        language=user.language,
        user=user,
        context={
            "display_name": display_name,
            "username": username,
            "reset_url": reset_url,
            "valid_hours": valid_hours,
        },
    )


def send_recovery_unavailable(*, user, display_name: str, admins: list[dict]) -> OutboundEmail:
    """Recovery asked without the self-service right: names the administrators to contact."""
    return email_queue(
        kind="recovery_unavailable",
        recipient=user.email,
        language=user.language,
        user=user,
        context={"display_name": display_name, "admins": admins},
    )


def send_password_changed(*, user, display_name: str) -> OutboundEmail:
    """Security notice after a password change or reset."""
    return email_queue(
        kind="password_changed",
        recipient=user.email,
        language=user.language,
        user=user,
        context={"display_name": display_name, "username": user.username},
    )


def send_user_created(
    *, user, display_name: str, company_name: str, created_by: str, sign_in_url: str
) -> OutboundEmail:
    """A new account: the username and where to sign in. Never the password."""
    return email_queue(
        kind="user_created",
        recipient=user.email,
        language=user.language,
        user=user,
        context={
            "display_name": display_name,
            "username": user.username,
            "company_name": company_name,
            "created_by": created_by,
            "sign_in_url": sign_in_url,
        },
    )


def send_advanced_invitation(
    *,
    recipient: str,
    language: str,
    display_name: str,
    company_name: str,
    invited_by: str,
    accept_url: str,
    valid_hours: int,
    user=None,
) -> OutboundEmail:
    """An advanced-user invitation: a single-use link to choose username and password."""
    return email_queue(
        kind="advanced_invitation",
        recipient=recipient,
        language=language,
        user=user,
        context={
            "display_name": display_name,
            "company_name": company_name,
            "invited_by": invited_by,
            "accept_url": accept_url,
            "valid_hours": valid_hours,
        },
    )


def send_account_ready(
    *, user, display_name: str, company_name: str, lines: list[dict], sign_in_url: str
) -> OutboundEmail:
    """The link with a company is active: the rights it gives."""
    return email_queue(
        kind="account_ready",
        recipient=user.email,
        language=user.language,
        user=user,
        context={
            "display_name": display_name,
            "username": user.username,
            "company_name": company_name,
            "lines": lines,
            "sign_in_url": sign_in_url,
        },
    )


def send_rights_changed(*, user, company_name: str, lines: list[dict]) -> OutboundEmail:
    """A member's rights in a company were granted or changed: the full list as it now stands."""
    return email_queue(
        kind="rights_changed",
        recipient=user.email,
        language=user.language,
        user=user,
        context={"display_name": user.display_name, "company_name": company_name, "lines": lines},
    )
