"""Reads of a person's own account: their e-mail change links."""

from datetime import datetime

from django.db.models import Q

from common.links import FoundLink, link_lookup, link_state

from ..models import EmailChange, User


class EmailChangeState:
    """Closed states of an e-mail change link beyond used, expired and unknown."""

    UNAVAILABLE = "unavailable"


def email_unavailable(*, email: str, user_id: int) -> bool:
    """Another login uses this address, as its e-mail or its username (either would make the
    address an identifier of two people)."""
    email = email.strip()
    return (
        User.objects.filter(Q(email__iexact=email) | Q(username__iexact=email))
        .exclude(pk=user_id)
        .exists()
    )


def _email_change_closed(change: EmailChange) -> str | None:
    if not change.user.is_active or email_unavailable(
        email=change.new_email, user_id=change.user_id
    ):
        return EmailChangeState.UNAVAILABLE
    return None


def email_change_lookup(*, key: str, now: datetime | None = None) -> FoundLink[EmailChange]:
    """The e-mail change of a link, found by the digest of its key, and what it can do now."""
    return link_lookup(
        EmailChange.objects.select_related("user"), key, now=now, closed=_email_change_closed
    )


def email_change_state(change: EmailChange | None, *, now: datetime | None = None) -> str:
    return link_state(change, now=now, closed=_email_change_closed)
