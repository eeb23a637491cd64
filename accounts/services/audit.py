"""The one way to write the audit log."""

from collections.abc import Iterable
from typing import Any

from ..models import AuditEvent, AuditKind, Company, User


def client_ip(request) -> str | None:
    """The client address as seen by the first trusted proxy (REMOTE_ADDR behind gunicorn)."""
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def audit_record(
    *,
    actor: User | None,
    company: Company | None,
    kind: AuditKind,
    target: Any = None,
    before: dict | None = None,
    after: dict | None = None,
    ip_address: str | None = None,
    actor_repr: str = "",
) -> AuditEvent:
    """Records one change; call it inside the transaction of the write it describes. The kind
    is one of AuditKind, so that every row can be read later under its label."""
    event = _event(
        actor=actor,
        company=company,
        kind=kind,
        target=target,
        before=before,
        after=after,
        ip_address=ip_address,
        actor_repr=actor_repr,
    )
    event.save()
    return event


def audit_records(
    *,
    actor: User | None,
    company: Company | None,
    kind: AuditKind,
    events: Iterable[tuple[Any, dict | None, dict | None]],
    ip_address: str | None = None,
) -> list[AuditEvent]:
    """Records several changes of one kind by one actor in one INSERT (imports): each event
    is (target, before, after). Same rules as `audit_record`."""
    return AuditEvent.objects.bulk_create(
        [
            _event(
                actor=actor,
                company=company,
                kind=kind,
                target=target,
                before=before,
                after=after,
                ip_address=ip_address,
            )
            for target, before, after in events
        ]
    )


def _event(
    *,
    actor: User | None,
    company: Company | None,
    kind: AuditKind,
    target: Any,
    before: dict | None,
    after: dict | None,
    ip_address: str | None,
    actor_repr: str = "",
) -> AuditEvent:
    if kind not in AuditKind.values:
        raise ValueError(f"Unknown audit kind {kind!r}: add it to accounts.models.AuditKind.")
    # Texts are cut to their columns here, where the row is built (an API caller's e-mail as
    # actor can be longer than the column).
    actor_repr = actor_repr or (actor.username if actor is not None else "")
    return AuditEvent(
        actor=actor if actor is not None and actor.pk else None,
        actor_repr=actor_repr[: AuditEvent._meta.get_field("actor_repr").max_length],
        company=company,
        kind=kind,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_repr=str(target)[:255] if target is not None else "",
        before=before,
        after=after,
        ip_address=ip_address,
    )
