"""Authorized users (senders) of the eSecure area: decided, added one by one or uploaded.

Each function is one transaction that writes its audit rows; the callers have already checked
that the objects belong to the admin's scope (selectors.esecure_scope).
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

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
class SenderImportRow:
    """A row of an import of authorized e-mails: the e-mail as written, a name, and the
    protected account (one the actor administers: the caller checked it)."""

    email: str
    name: str
    protected: ProtectedAccount


def senders_import(
    *,
    rows: Sequence[SenderImportRow],
    apply: bool,
    actor: User,
    ip_address: str | None = None,
    source: Mapping[str, object] | None = None,
) -> list[tuple[str, str]]:
    """Approves e-mails on protected accounts (origin upload), a chunk of an import at a time:
    one (UploadResult, e-mail) per row, in order; a bad row never stops the others. Bounded
    queries per account; pending senders with an open request are decided through it so that
    the requester is told. Writes only with `apply` (one audit row per account), in the
    caller's transaction; without it, only says what each row would do."""
    results: list[tuple[str, str, int]] = []  # (result, or "" until decided; e-mail; account)
    wanted: dict[int, dict[str, str]] = {}  # protected id → e-mail → name, in file order
    accounts: dict[int, ProtectedAccount] = {}
    for row in rows:
        try:
            email = normalise_email(row.email)
        except ValidationError:
            results.append((UploadResult.INVALID, row.email, row.protected.pk))
            continue
        bucket = wanted.setdefault(row.protected.pk, {})
        if email in bucket:
            results.append((UploadResult.DUPLICATE, email, row.protected.pk))
            continue
        bucket[email] = row.name
        accounts[row.protected.pk] = row.protected
        results.append(("", email, row.protected.pk))
    decided: dict[tuple[int, str], str] = {}
    for pk, emails in wanted.items():
        protected = accounts[pk]
        done = _upload_apply(
            protected=protected, wanted=emails, actor=actor, ip=ip_address, apply=apply
        )
        decided.update({(pk, email): result for email, result in done.items()})
        if apply:
            _upload_audit(protected, done, len(emails), actor, ip_address, source or {})
    return [(code or decided[(pk, email)], email) for code, email, pk in results]


def _upload_audit(protected, results: dict[str, str], rows: int, actor, ip, source) -> None:
    audit_record(
        actor=actor,
        company=protected.account.company,
        kind=AuditKind.ESECURE_SENDERS_UPLOADED,
        target=protected,
        after={
            **source,
            "account": protected.account.number,
            "added": [e for e, r in results.items() if r == UploadResult.ADDED],
            "updated": [e for e, r in results.items() if r == UploadResult.UPDATED],
            "rows": rows,
        },
        ip_address=ip,
    )


def _upload_apply(
    *,
    protected: ProtectedAccount,
    wanted: dict[str, str],
    actor: User,
    ip: str | None,
    apply: bool = True,
) -> dict[str, str]:
    """Writes the valid e-mails in a few queries (only reads them without `apply`); returns
    e-mail → result."""
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
    if not apply:
        return results
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
