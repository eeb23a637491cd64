"""What customer admins change in the eSecure area: senders, domains, admins, account numbers.

Every function is one transaction that writes its audit rows; the callers have already checked
that the objects belong to the admin's scope (selectors.esecure_scope).
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from accounts.services import AuditKind, audit_record

from ..models import (
    AuthorizedDomain,
    AuthorizedSender,
    CustomerAdmin,
    Origin,
    ProtectedAccount,
    SenderStatus,
    Status,
)
from ..selectors import open_requests_by_sender
from .decisions import request_decide
from .normalise import is_free_mail, normalise_domain, normalise_email
from .onboarding import customer_admin_add, history_list

MAX_UPLOAD_ROWS = 1000


def _company(protected: ProtectedAccount):
    return protected.account.company


# --- Authorized users -------------------------------------------------------------------------


@dataclass
class DecideSummary:
    changed: int = 0
    unchanged: int = 0
    requests_decided: int = 0


def senders_decide(
    *,
    senders: Sequence[AuthorizedSender],
    approve: bool,
    actor: User,
    ip_address: str | None = None,
) -> DecideSummary:
    """Approves or rejects senders. A sender with an open access request is decided through that
    request (the requester is told, the e-mailed links then show who decided); the others change
    status directly, each change audited."""
    summary = DecideSummary()
    wanted = SenderStatus.APPROVED if approve else SenderStatus.REJECTED
    requests = open_requests_by_sender(senders)
    with transaction.atomic():
        now = timezone.now()
        for sender in senders:
            request = requests.get(sender.pk)
            if request is not None:
                if request_decide(
                    request=request, approve=approve, actor=actor, via="portal",
                    ip_address=ip_address,
                ):  # fmt: skip
                    summary.changed += 1
                    summary.requests_decided += 1
                else:
                    summary.unchanged += 1
                continue
            before = sender.status
            if before == wanted:
                summary.unchanged += 1
                continue
            sender.status, sender.assigned_by, sender.modified_at = wanted, actor, now
            sender.save(update_fields=["status", "assigned_by", "modified_at"])
            audit_record(
                actor=actor,
                company=_company(sender.protected_account),
                kind=(
                    AuditKind.ESECURE_SENDER_APPROVED
                    if approve
                    else AuditKind.ESECURE_SENDER_REJECTED
                ),
                target=sender,
                before={"status": before},
                after={"status": wanted, "email": sender.email},
                ip_address=ip_address,
            )
            summary.changed += 1
    return summary


def sender_add(
    *,
    protected: ProtectedAccount,
    email: str,
    name: str = "",
    actor: User,
    ip_address: str | None = None,
) -> AuthorizedSender:
    """Approves an e-mail on an account (origin manual). Already approved → ValidationError; a
    pending or rejected sender becomes approved (through its open request if there is one)."""
    try:
        email = normalise_email(email)
    except ValidationError:
        raise ValidationError(
            {"email": _("« %(email)s » n'est pas une adresse e-mail valide.") % {"email": email}}
        ) from None
    existing = AuthorizedSender.objects.filter(protected_account=protected, email=email).first()
    if existing is not None:
        if existing.status == SenderStatus.APPROVED:
            raise ValidationError(
                {
                    "email": _("%(email)s est déjà approuvé pour le compte %(account)s.")
                    % {"email": email, "account": protected.account.number}
                }
            )
        senders_decide(senders=[existing], approve=True, actor=actor, ip_address=ip_address)
        existing.refresh_from_db()
        return existing
    with transaction.atomic():
        now = timezone.now()
        sender = AuthorizedSender.objects.create(
            protected_account=protected,
            email=email,
            name=name[:200],
            status=SenderStatus.APPROVED,
            origin=Origin.MANUAL,
            assigned_by=actor,
            created_at=now,
            modified_at=now,
        )
        audit_record(
            actor=actor,
            company=_company(protected),
            kind=AuditKind.ESECURE_SENDER_ADDED,
            target=sender,
            after={"email": email, "account": protected.account.number, "status": sender.status},
            ip_address=ip_address,
        )
    return sender


class UploadResult:
    """Per-row outcomes of an upload of e-mails."""

    ADDED = "added"
    ALREADY = "already"
    UPDATED = "updated"
    INVALID = "invalid"
    DUPLICATE = "duplicate"

    LABELS = {
        ADDED: gettext_lazy("ajouté"),
        ALREADY: gettext_lazy("déjà approuvé"),
        UPDATED: gettext_lazy("mis à jour"),
        INVALID: gettext_lazy("e-mail invalide"),
        DUPLICATE: gettext_lazy("en double dans le fichier"),
    }


@dataclass
class UploadLine:
    row: int
    email: str
    result: str


@dataclass
class UploadOutcome:
    lines: list[UploadLine] = field(default_factory=list)

    def count(self, result: str) -> int:
        return sum(1 for line in self.lines if line.result == result)


def senders_upload(
    *,
    protected: ProtectedAccount,
    rows: Sequence[tuple[int, str, str]],
    actor: User,
    ip_address: str | None = None,
) -> UploadOutcome:
    """Approves up to 1000 e-mails on one account (origin upload), row by row: a bad row never
    stops the others. rows: (row number in the file, e-mail, name). Bounded queries; pending
    senders with an open request are decided through it so that the requester is told."""
    if len(rows) > MAX_UPLOAD_ROWS:
        raise ValidationError(
            _("Le fichier contient %(count)s lignes : %(max)s au plus.")
            % {"count": len(rows), "max": MAX_UPLOAD_ROWS}
        )
    outcome = UploadOutcome()
    wanted: dict[str, str] = {}  # e-mail → name, in file order
    for row, raw, name in rows:
        try:
            email = normalise_email(raw)
        except ValidationError:
            outcome.lines.append(UploadLine(row, raw, UploadResult.INVALID))
            continue
        if email in wanted:
            outcome.lines.append(UploadLine(row, email, UploadResult.DUPLICATE))
            continue
        wanted[email] = name
        outcome.lines.append(UploadLine(row, email, ""))
    with transaction.atomic():
        results = _upload_apply(protected=protected, wanted=wanted, actor=actor, ip=ip_address)
        for line in outcome.lines:
            if not line.result:
                line.result = results[line.email]
        audit_record(
            actor=actor,
            company=_company(protected),
            kind=AuditKind.ESECURE_SENDERS_UPLOADED,
            target=protected,
            after={
                "account": protected.account.number,
                "added": [e for e, r in results.items() if r == UploadResult.ADDED],
                "updated": [e for e, r in results.items() if r == UploadResult.UPDATED],
                "rows": len(rows),
                "invalid": outcome.count(UploadResult.INVALID),
            },
            ip_address=ip_address,
        )
    return outcome


def _upload_apply(
    *, protected: ProtectedAccount, wanted: dict[str, str], actor: User, ip: str | None
) -> dict[str, str]:
    """Writes the valid e-mails in a few queries; returns e-mail → result."""
    now = timezone.now()
    existing = {
        s.email: s
        for s in AuthorizedSender.objects.filter(
            protected_account=protected, email__in=list(wanted)
        ).select_related("protected_account__account__company")
    }
    results = {}
    to_update = []
    for email in wanted:
        sender = existing.get(email)
        if sender is None:
            results[email] = UploadResult.ADDED
        elif sender.status == SenderStatus.APPROVED:
            results[email] = UploadResult.ALREADY
        else:
            results[email] = UploadResult.UPDATED
            to_update.append(sender)
    AuthorizedSender.objects.bulk_create(
        [
            AuthorizedSender(
                protected_account=protected,
                email=email,
                name=name[:200],
                status=SenderStatus.APPROVED,
                origin=Origin.UPLOAD,
                assigned_by=actor,
                created_at=now,
                modified_at=now,
            )
            for email, name in wanted.items()
            if results[email] == UploadResult.ADDED
        ],
        batch_size=500,
    )
    requests = open_requests_by_sender(to_update) if to_update else {}
    for sender in to_update:
        if sender.pk in requests:
            request_decide(
                request=requests[sender.pk], approve=True, actor=actor, via="portal", ip_address=ip
            )
    direct = [s.pk for s in to_update if s.pk not in requests]
    if direct:
        AuthorizedSender.objects.filter(pk__in=direct).update(
            status=SenderStatus.APPROVED, assigned_by=actor, modified_at=now
        )
    return results


# --- Authorized domains -----------------------------------------------------------------------


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
        company=_company(protected),
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
            company=_company(domain.protected_account),
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


# --- Customer admins --------------------------------------------------------------------------


def admin_add(
    *,
    protected: ProtectedAccount,
    email: str,
    first_name: str,
    last_name: str,
    language: str,
    actor: User,
    ip_address: str | None = None,
) -> CustomerAdmin:
    """Any active admin adds another (origin manual); an active admin already there is refused."""
    try:
        email = normalise_email(email)
    except ValidationError:
        raise ValidationError(
            {"email": _("« %(email)s » n'est pas une adresse e-mail valide.") % {"email": email}}
        ) from None
    if CustomerAdmin.objects.filter(
        protected_account=protected, user__email__iexact=email, status=Status.ACTIVE
    ).exists():
        raise ValidationError(
            {
                "email": _("%(email)s est déjà administrateur du compte %(account)s.")
                % {"email": email, "account": protected.account.number}
            }
        )
    return customer_admin_add(
        protected=protected,
        email=email,
        first_name=first_name,
        last_name=last_name,
        language=language,
        actor=actor,
        origin=Origin.MANUAL,
        ip_address=ip_address,
    )


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
            company=_company(admin.protected_account),
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


# --- Account numbers --------------------------------------------------------------------------


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
            company=_company(protected),
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
        company=_company(protected),
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
