"""Customer admins of the eSecure area: (de)activated, never the last (they are added by
invitation, in `invitations`).

Each function is one transaction that writes its audit rows; the callers have already checked
that the objects belong to the admin's scope (selectors.esecure_scope).
"""

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.services import AuditKind, audit_record

from ..models import CustomerAdmin, ProtectedAccount, Status


@transaction.atomic
def admins_set_status(
    *,
    admins: Sequence[CustomerAdmin],
    active: bool,
    actor: User,
    ip_address: str | None = None,
) -> int:
    """Activates or deactivates customer admins, all or nothing: an account never loses its last
    active admin (ValidationError naming the account)."""
    wanted = Status.ACTIVE if active else Status.INACTIVE
    changing = [a for a in admins if a.status != wanted]
    if not active and changing:
        _keep_one_admin(changing)
    for admin in changing:
        before = admin.status
        admin.status, admin.assigned_by = wanted, actor
        admin.save(update_fields=["status", "assigned_by", "modified_at"])
        audit_record(
            actor=actor,
            company=admin.protected_account.account.company,
            kind=(
                AuditKind.ESECURE_ADMIN_ACTIVATED if active else AuditKind.ESECURE_ADMIN_DEACTIVATED
            ),
            target=admin,
            before={"status": before},
            after={"status": wanted, "email": admin.user.email},
            ip_address=ip_address,
        )
    return len(changing)


def _keep_one_admin(leaving: Sequence[CustomerAdmin]) -> None:
    """Refuses when deactivating `leaving` would leave one of their accounts with no active
    admin. The accounts are locked so that two admins deactivating each other cannot both win."""
    account_ids = {a.protected_account_id for a in leaving}
    list(ProtectedAccount.objects.select_for_update().filter(pk__in=account_ids).values("pk"))
    leaving_ids = [a.pk for a in leaving]
    remaining = dict(
        CustomerAdmin.objects.filter(
            protected_account_id__in=account_ids, status=Status.ACTIVE, user__is_active=True
        )
        .exclude(pk__in=leaving_ids)
        .values("protected_account_id")
        .annotate(n=Count("pk"))
        .values_list("protected_account_id", "n")
    )
    orphaned = sorted(
        {
            str(a.protected_account.account.number)
            for a in leaving
            if not remaining.get(a.protected_account_id)
        }
    )
    if orphaned:
        raise ValidationError(
            _(
                "Le compte %(accounts)s doit garder au moins un administrateur client actif : "
                "ajoutez-en un autre avant de désactiver celui-ci."
            )
            % {"accounts": ", ".join(orphaned)}
        )
