"""Authorized domains of the eSecure area: added (free-mail domains confirmed), (de)activated.

Each function is one transaction that writes its audit rows; the callers have already checked
that the objects belong to the admin's scope (selectors.esecure_scope).
"""

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.services import AuditKind, audit_record

from ..models import AuthorizedDomain, Origin, ProtectedAccount, Status
from .normalise import is_free_mail, normalise_domain


@transaction.atomic
def domain_add(
    *,
    protected: ProtectedAccount,
    domain: str,
    confirm_free_mail: bool = False,
    actor: User,
    ip_address: str | None = None,
) -> AuthorizedDomain:
    """Authorises every e-mail of a domain on an account. The domain is normalised; a free-mail
    domain (gmail.com, …) needs an explicit confirmation; a domain already listed is refused."""
    try:
        name = normalise_domain(domain)
    except ValidationError as exc:
        raise ValidationError({"domain": exc.messages}) from None
    if is_free_mail(name) and not confirm_free_mail:
        message = _(
            "%(domain)s est une messagerie publique : n'importe qui peut y créer une adresse. "
            "Cochez la confirmation pour autoriser tout le domaine malgré tout."
        ) % {"domain": name}
        raise ValidationError({"domain": ValidationError(message, code="free_mail")})
    existing = AuthorizedDomain.objects.filter(protected_account=protected, domain=name).first()
    if existing is not None:
        message = (
            _("Le domaine %(domain)s est déjà autorisé pour le compte %(account)s.")
            if existing.status == Status.ACTIVE
            else _(
                "Le domaine %(domain)s est déjà enregistré pour le compte %(account)s, mais "
                "inactif : activez-le dans la liste."
            )
        )
        raise ValidationError(
            {"domain": message % {"domain": name, "account": protected.account.number}}
        )
    added = AuthorizedDomain.objects.create(
        protected_account=protected,
        domain=name,
        status=Status.ACTIVE,
        origin=Origin.MANUAL,
        assigned_by=actor,
    )
    audit_record(
        actor=actor,
        company=protected.account.company,
        kind=AuditKind.ESECURE_DOMAIN_ADDED,
        target=added,
        after={
            "domain": name,
            "account": protected.account.number,
            "free_mail": is_free_mail(name),
        },
        ip_address=ip_address,
    )
    return added


@transaction.atomic
def domains_set_status(
    *,
    domains: Sequence[AuthorizedDomain],
    active: bool,
    actor: User,
    ip_address: str | None = None,
) -> int:
    """Activates or deactivates domains; returns how many changed, each change audited."""
    wanted = Status.ACTIVE if active else Status.INACTIVE
    changed = 0
    for domain in domains:
        if domain.status == wanted:
            continue
        before = domain.status
        domain.status, domain.assigned_by = wanted, actor
        domain.save(update_fields=["status", "assigned_by", "modified_at"])
        audit_record(
            actor=actor,
            company=domain.protected_account.account.company,
            kind=(
                AuditKind.ESECURE_DOMAIN_ACTIVATED
                if active
                else AuditKind.ESECURE_DOMAIN_DEACTIVATED
            ),
            target=domain,
            before={"status": before},
            after={"status": wanted, "domain": domain.domain},
            ip_address=ip_address,
        )
        changed += 1
    return changed
