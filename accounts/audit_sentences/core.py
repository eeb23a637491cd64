"""What every sentence builder is given: the event, the names of the page, the people named."""

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from common.elision import elide

from ..models import AuditEvent
from .names import SCOPE_DIMENSIONS, Names
from .values import Change, scope_text

SYSTEM_ACTORS = {"", "sesame", "system"}


@dataclass(frozen=True)
class AuditEntry:
    """One event as a person reads it: its label, a sentence, and what changed."""

    event: AuditEvent
    label: str
    sentence: str
    actor: str = ""
    changes: list[Change] = field(default_factory=list)

    @property
    def created_at(self):
        return self.event.created_at

    @property
    def ip_address(self):
        return self.event.ip_address

    @property
    def changes_text(self) -> str:
        return "\n".join(change.as_text() for change in self.changes)


@dataclass
class Context:
    event: AuditEvent
    names: Names

    @property
    def before(self) -> Mapping:
        return self.event.before if isinstance(self.event.before, Mapping) else {}

    @property
    def after(self) -> Mapping:
        return self.event.after if isinstance(self.event.after, Mapping) else {}

    @property
    def actor(self) -> str:
        event = self.event
        if event.actor is not None:
            return event.actor.display_name
        if event.actor_repr.strip().lower() in SYSTEM_ACTORS:
            return _("Sésame")
        return event.actor_repr

    @property
    def person(self) -> str:
        return self.names.person(self.event) or "—"

    def say(self, message: str, **params) -> str:
        """The translated message with the actor, the person and `params`, elided in French."""
        values = {"actor": self.actor, "person": self.person, **params}
        return elide(message % values).strip()

    # --- Pieces of sentences ------------------------------------------------------------------

    def target_head(self) -> str:
        """The first part of what the service wrote as target (« email → company »: the e-mail)."""
        return self.event.target_repr.split(" → ", 1)[0].split(" · ", 1)[0].strip()

    def email(self) -> str:
        return str(self.after.get("email") or self.before.get("email") or self.target_head())

    def account(self) -> str:
        """The account number of an eSecure event, from the payload or the target."""
        for payload in (self.after, self.before):
            for key in ("account", "account_number"):
                if payload.get(key):
                    return str(payload[key])
        text = self.event.target_repr
        for separator in (" · ", " → "):
            if separator in text:
                text = text.rsplit(separator, 1)[1]
        return text.split(" (", 1)[0].strip()

    def rights_list(self, codes) -> str:
        """« Création », « Validation »: rights known by their codes."""
        if not isinstance(codes, list | tuple | Mapping):
            return ""
        return ", ".join(f"« {self.names.permission(code)} »" for code in codes)


def where(scope, names: Names) -> str:
    """« sur le compte 999009 », or the whole scope in brackets when it is not only accounts."""
    if not isinstance(scope, Mapping):
        return ""
    dimensions = [d for d in SCOPE_DIMENSIONS if scope.get(d)]
    if not dimensions:
        return ""
    rest = {d: scope[d] for d in dimensions if d != "accounts"}
    if "accounts" not in dimensions:
        return f"({scope_text(rest, names)})"
    numbers = sorted(names.scope_item("accounts", pk) for pk in scope["accounts"])
    text = ngettext("sur le compte %(numbers)s", "sur les comptes %(numbers)s", len(numbers)) % {
        "numbers": ", ".join(numbers)
    }
    return f"{text} ({scope_text(rest, names)})" if rest else text
