"""Writes of the delegation app."""

from django.db import transaction

from accounts import selectors
from accounts.models import Membership, User
from accounts.services import AuditKind, audit_record


@transaction.atomic
def company_select(*, user: User, company_id: int, ip_address: str | None) -> Membership | None:
    """Chooses the company a person acts for; only one of their active memberships qualifies."""
    membership = selectors.membership_current(user=user, company_id=company_id)
    if membership is None or membership.company_id != company_id:
        return None
    audit_record(
        actor=user,
        company=membership.company,
        kind=AuditKind.COMPANY_SELECTED,
        target=membership,
        after={"kind": membership.kind},
        ip_address=ip_address,
    )
    return membership
