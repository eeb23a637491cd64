"""Protected account numbers of the eSecure area: protection switched on or off, dates.

Each function is one transaction that writes its audit rows; the callers have already checked
that the objects belong to the admin's scope (selectors.esecure_scope).
"""

from collections.abc import Sequence
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.services import AuditKind, audit_record

from ..models import ProtectedAccount
from .onboarding import history_list


@transaction.atomic
def accounts_set_status(
    *,
    accounts: Sequence[ProtectedAccount],
    active: bool,
    actor: User,
    ip_address: str | None = None,
) -> int:
    """Switches protection on or off at once. The first activation of an account whose usage
    history was never listed lists it (pending senders, origin history)."""
    changed = 0
    for protected in accounts:
        if protected.is_active == active:
            continue
        listed = 0
        if active and protected.history_listed_at is None:
            listed = history_list(protected=protected)
        protected.is_active, protected.assigned_by = active, actor
        protected.save(update_fields=["is_active", "assigned_by", "modified_at"])
        audit_record(
            actor=actor,
            company=protected.account.company,
            kind=(
                AuditKind.ESECURE_ACCOUNT_ACTIVATED
                if active
                else AuditKind.ESECURE_ACCOUNT_DEACTIVATED
            ),
            target=protected,
            before={"is_active": not active},
            after={"is_active": active, "history_listed": listed},
            ip_address=ip_address,
        )
        changed += 1
    return changed


@transaction.atomic
def account_update(
    *,
    protected: ProtectedAccount,
    starts_on: date | None,
    ends_on: date | None,
    show_admin_contacts: bool,
    actor: User,
    ip_address: str | None = None,
) -> ProtectedAccount:
    """Changes an account's protection dates (start ≤ end) and the consent to show the admins'
    contacts to requesters."""
    if starts_on and ends_on and ends_on < starts_on:
        raise ValidationError(
            {"ends_on": _("La date de fin doit être égale ou postérieure à la date de début.")}
        )
    before = _account_settings(protected)
    protected.starts_on, protected.ends_on = starts_on, ends_on
    protected.show_admin_contacts = show_admin_contacts
    after = _account_settings(protected)
    if after == before:
        return protected
    protected.assigned_by = actor
    protected.save(
        update_fields=["starts_on", "ends_on", "show_admin_contacts", "assigned_by", "modified_at"]
    )
    audit_record(
        actor=actor,
        company=protected.account.company,
        kind=AuditKind.ESECURE_ACCOUNT_UPDATED,
        target=protected,
        before=before,
        after=after,
        ip_address=ip_address,
    )
    return protected


def _account_settings(protected: ProtectedAccount) -> dict:
    return {
        "starts_on": protected.starts_on.isoformat() if protected.starts_on else None,
        "ends_on": protected.ends_on.isoformat() if protected.ends_on else None,
        "show_admin_contacts": protected.show_admin_contacts,
    }
