"""Reads of a person's own account: their e-mail change links, the summary of their rights."""

from dataclasses import dataclass, field
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


# --- The own-account page's summary of rights ---------------------------------------------


@dataclass
class LimitGroup:
    """Rights of one application that share the same limits, said once."""

    permissions: list
    billing_addresses: list
    products: list
    service_types: list
    visibilities: list[str] = field(default_factory=list)


@dataclass
class ApplicationSummary:
    application: object
    count: int
    groups: list[LimitGroup]


@dataclass
class AccountGroup:
    """Customer accounts on which the person holds exactly the same rights."""

    accounts: list
    applications: list[ApplicationSummary]


def _limits_key(line) -> tuple:
    return (
        tuple(b.pk for b in line.billing_addresses),
        tuple(p.pk for p in line.products),
        tuple(t.pk for t in line.service_types),
    )


def _application_summary(app) -> ApplicationSummary:
    groups: dict[tuple, LimitGroup] = {}
    for line in app.permissions:
        group = groups.setdefault(
            _limits_key(line),
            LimitGroup([], line.billing_addresses, line.products, line.service_types),
        )
        group.permissions.append(line.permission)
        if line.visibility:
            group.visibilities.append(line.permission.description)
    return ApplicationSummary(app.application, len(app.permissions), list(groups.values()))


def rights_summary(accounts) -> list[AccountGroup]:
    """A company's `AccountRights` (from `rights_for_user`) for reading: accounts holding the
    same rights share one line, and rights with the same limits name those limits once. No
    query: it only rearranges what was read."""
    by_signature: dict[tuple, AccountGroup] = {}
    for item in accounts:
        signature = tuple(
            (app.application.pk, tuple((p.permission.pk, _limits_key(p)) for p in app.permissions))
            for app in item.applications
        )
        group = by_signature.get(signature)
        if group is None:
            by_signature[signature] = AccountGroup(
                [item.account], [_application_summary(app) for app in item.applications]
            )
        else:
            group.accounts.append(item.account)
    return list(by_signature.values())
