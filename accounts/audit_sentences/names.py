"""Names for the ids and codes an audit payload carries, fetched in bulk for a page of events.

A payload keeps what the service knew when it wrote the row: account ids, permission codes or
ids, a membership as target. A page of events is read once to collect them, then one query per
kind of object (never one per row) turns them into account numbers, names and labels.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.db.models import Q

from ..models import (
    Application,
    AuditEvent,
    BillingAddress,
    Company,
    CustomerAccount,
    Membership,
    Permission,
    Product,
    ServiceType,
    User,
)

SCOPE_DIMENSIONS = ("accounts", "billing_addresses", "products", "service_types")
MEMBERSHIP_TARGET = "accounts.membership"
USER_TARGET = "accounts.user"

# Kinds whose payload names rights by code or id (see the services that write them).
_RIGHTS_BY_CODE = {"rights.changed", "router.rights_offered"}
_RIGHTS_BY_PK = {"provider.offered", "provider.rights_changed"}
_CODE_LISTS = {
    "router.rights_accepted",
    "router.rights_refused",
    "router.rights_withdrawn",
    "router.rights_given_up",
}


def _ints(values) -> set[int]:
    found = set()
    for value in values if isinstance(values, list | tuple) else ():
        if isinstance(value, int) and not isinstance(value, bool):
            found.add(value)
        elif isinstance(value, str) and value.isdigit():
            found.add(int(value))
    return found


def _dicts(payload) -> Iterator[dict]:
    """Every dictionary inside a payload, itself included."""
    if isinstance(payload, dict):
        yield payload
        for value in payload.values():
            yield from _dicts(value)
    elif isinstance(payload, list):
        for value in payload:
            yield from _dicts(value)


@dataclass
class _Wanted:
    scopes: dict[str, set[int]] = field(
        default_factory=lambda: {d: set() for d in SCOPE_DIMENSIONS}
    )
    permission_codes: set[str] = field(default_factory=set)
    permission_pks: set[int] = field(default_factory=set)
    applications: set[str] = field(default_factory=set)
    memberships: set[int] = field(default_factory=set)
    users: set[int] = field(default_factory=set)
    companies: set[int] = field(default_factory=set)

    def add_event(self, event: AuditEvent) -> None:
        for payload in (event.before, event.after):
            for part in _dicts(payload):
                for dimension in SCOPE_DIMENSIONS:
                    self.scopes[dimension] |= _ints(part.get(dimension))
            if isinstance(payload, dict):
                self._add_payload(event.kind, payload)
        if event.target_id.isdigit():
            if event.target_type == MEMBERSHIP_TARGET:
                self.memberships.add(int(event.target_id))
            elif event.target_type == USER_TARGET:
                self.users.add(int(event.target_id))

    def _add_payload(self, kind: str, payload: dict) -> None:
        if isinstance(payload.get("application"), str):
            self.applications.add(payload["application"])
        if isinstance(payload.get("permission"), str):
            self.permission_codes.add(payload["permission"])
        if isinstance(payload.get("from_customer"), int):
            self.companies.add(payload["from_customer"])
        rights = payload.get("rights")
        if kind in _RIGHTS_BY_PK and isinstance(rights, dict):
            self.permission_pks |= _ints(list(rights))
        elif isinstance(rights, dict | list) and kind in _RIGHTS_BY_CODE | _CODE_LISTS:
            self.permission_codes |= {str(code) for code in rights}
        if kind == "rights.changed":
            self.permission_codes |= {
                k for k, v in payload.items() if isinstance(v, dict) and k != "application"
            }


class Names:
    """Display names for what a page of events refers to; unknown ids read as « #id »."""

    def __init__(self) -> None:
        self.scopes: dict[str, dict[int, str]] = {d: {} for d in SCOPE_DIMENSIONS}
        self._permissions: dict[int, Permission] = {}
        self._by_code: dict[tuple[str, str], Permission] = {}
        self._by_bare_code: dict[str, list[Permission]] = {}
        self._applications: dict[str, Application] = {}
        self.memberships: dict[int, Membership] = {}
        self.users: dict[int, User] = {}
        self.companies: dict[int, str] = {}

    @classmethod
    def for_events(cls, events: Iterable[AuditEvent]) -> "Names":
        wanted = _Wanted()
        for event in events:
            wanted.add_event(event)
        names = cls()
        names._fetch(wanted)
        return names

    def _fetch(self, wanted: _Wanted) -> None:
        scopes = wanted.scopes
        if scopes["accounts"]:
            self.scopes["accounts"] = dict(
                CustomerAccount.objects.filter(pk__in=scopes["accounts"]).values_list(
                    "pk", "number"
                )
            )
        if scopes["billing_addresses"]:
            self.scopes["billing_addresses"] = dict(
                BillingAddress.objects.filter(pk__in=scopes["billing_addresses"]).values_list(
                    "pk", "name"
                )
            )
        for dimension, model in (("products", Product), ("service_types", ServiceType)):
            if scopes[dimension]:
                self.scopes[dimension] = {
                    o.pk: o.label for o in model.objects.filter(pk__in=scopes[dimension])
                }
        if wanted.permission_codes or wanted.permission_pks:
            for permission in Permission.objects.filter(
                Q(code__in=wanted.permission_codes) | Q(pk__in=wanted.permission_pks)
            ).select_related("application"):
                self._permissions[permission.pk] = permission
                self._by_code[(permission.application.code, permission.code)] = permission
                self._by_bare_code.setdefault(permission.code, []).append(permission)
                self._applications.setdefault(permission.application.code, permission.application)
        missing = wanted.applications - set(self._applications)
        if missing:
            self._applications |= {a.code: a for a in Application.objects.filter(code__in=missing)}
        if wanted.memberships:
            self.memberships = Membership.objects.select_related("user", "company").in_bulk(
                wanted.memberships
            )
        if wanted.users:
            self.users = User.objects.in_bulk(wanted.users)
        if wanted.companies:
            self.companies = dict(
                Company.objects.filter(pk__in=wanted.companies).values_list("pk", "name")
            )

    # --- Lookups (no query) -------------------------------------------------------------------

    def scope_item(self, dimension: str, pk) -> str:
        try:
            return self.scopes[dimension].get(int(pk)) or f"#{pk}"
        except (TypeError, ValueError):
            return str(pk)

    def application(self, code) -> str:
        found = self._applications.get(str(code))
        return found.label if found is not None else str(code)

    def permission(self, code, *, application: str | None = None) -> str:
        """The right's name; with its application's name when the code alone is not enough."""
        if application is not None:
            found = self._by_code.get((application, str(code)))
            return found.label if found is not None else str(code)
        matches = self._by_bare_code.get(str(code), [])
        if len(matches) == 1:
            return matches[0].label
        return str(code)

    def permission_by_pk(self, pk) -> tuple[str, str]:
        """(application name, right name) of a permission id; the id itself when unknown."""
        try:
            found = self._permissions.get(int(pk))
        except (TypeError, ValueError):
            found = None
        if found is None:
            return "", f"#{pk}"
        return found.application.label, found.label

    def application_of_code(self, code) -> str:
        """The application of a right known by its code alone, when only one has it."""
        matches = self._by_bare_code.get(str(code), [])
        return matches[0].application.label if len(matches) == 1 else ""

    def company(self, pk) -> str:
        if isinstance(pk, int):
            return self.companies.get(pk) or f"#{pk}"
        return str(pk or "")

    def person(self, event: AuditEvent) -> str:
        """The person an event is about, by name, or what was written at the time."""
        if event.target_id.isdigit():
            pk = int(event.target_id)
            if event.target_type == MEMBERSHIP_TARGET and pk in self.memberships:
                return person_name(self.memberships[pk].user)
            if event.target_type == USER_TARGET and pk in self.users:
                return person_name(self.users[pk])
        return event.target_repr


def person_name(user: User) -> str:
    """Full name, else the address (an invited person's username is a placeholder)."""
    return user.get_full_name() or user.email or user.username
