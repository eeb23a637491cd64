"""Authorized users (senders) of the eSecure area: decided, added one by one or uploaded.

Each function is one transaction that writes its audit rows; the callers have already checked
that the objects belong to the admin's scope (selectors.esecure_scope).
"""

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from accounts.services import AuditKind, audit_record

from ..models import AuthorizedSender, Origin, ProtectedAccount, SenderStatus
from ..selectors import open_requests_by_sender
from .decisions import request_decide
from .normalise import normalise_email

MAX_UPLOAD_ROWS = 1000


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
                company=sender.protected_account.account.company,
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
            company=protected.account.company,
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
            company=protected.account.company,
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
