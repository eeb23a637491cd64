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
