"""The audit log as a person reads it: a sentence per event and a readable difference.

`audit_entries(events)` takes a page of events already fetched (any order, any size) and gives
back one `AuditEntry` each, in the active language. The names the payloads refer to by id or
code are fetched once for the whole page (see `names`), so a page costs a fixed number of
queries. An unknown kind or an unexpected payload reads as the label with its details: the log
never fails to show.
"""

import logging
from collections.abc import Iterable, Iterator
from itertools import islice

from ..models import AuditEvent, AuditKind
from . import esecure, people, rights
from .core import AuditEntry, Context
from .names import Names
from .values import Change, field_changes

__all__ = ["AuditEntry", "Change", "audit_entries", "audit_entries_chunked", "fallback_entry"]

logger = logging.getLogger(__name__)


def _label(event: AuditEvent) -> str:
    if event.kind in AuditKind.values:
        return str(AuditKind(event.kind).label)
    return event.kind


def _changes(event: AuditEvent, names: Names) -> list[Change]:
    return field_changes(event.before, event.after, names)


def fallback_entry(event: AuditEvent, names: Names) -> AuditEntry:
    """The label and the payload's keys and values, for what has no sentence (yet)."""
    try:
        changes = _changes(event, names)
    except Exception:  # noqa: BLE001 - the log shows every row, whatever it holds
        logger.exception("Audit event %s: unreadable payload", event.pk)
        changes = []
    return AuditEntry(
        event=event,
        label=_label(event),
        sentence=_label(event),
        actor=Context(event=event, names=names).actor,
        changes=changes,
    )


def audit_entries(events: Iterable[AuditEvent]) -> list[AuditEntry]:
    """Each event with its sentence and difference, in the active language."""
    events = list(events)
    names = Names.for_events(events)
    builders = {**people.sentences(), **rights.sentences(), **esecure.sentences()}
    differences = rights.changes()
    entries = []
    for event in events:
        build = builders.get(event.kind)
        if build is None:
            entries.append(fallback_entry(event, names))
            continue
        context = Context(event=event, names=names)
        try:
            sentence = build(context)
            diff = differences.get(event.kind)
            changes = diff(context) if diff else _changes(event, names)
        except Exception:  # noqa: BLE001 - a payload from an older version must not break the log
            logger.exception("Audit event %s: no sentence for its payload", event.pk)
            entries.append(fallback_entry(event, names))
            continue
        entries.append(
            AuditEntry(
                event=event,
                label=_label(event),
                sentence=sentence,
                actor=context.actor,
                changes=changes,
            )
        )
    return entries


def audit_entries_chunked(events: Iterable[AuditEvent], size: int = 1000) -> Iterator[AuditEntry]:
    """The same for a long stream (CSV export): names fetched once per chunk of `size` events."""
    iterator = iter(events)
    while chunk := list(islice(iterator, size)):
        yield from audit_entries(chunk)
