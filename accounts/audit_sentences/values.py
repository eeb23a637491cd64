"""Payload values as a person reads them, and the difference between before and after."""

import re
from collections.abc import Mapping
from dataclasses import dataclass

from django.template.defaultfilters import date as date_filter
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from ..models import Civility, Language, Membership, MembershipKind, User
from .names import SCOPE_DIMENSIONS, Names

# Statuses written by the services of every app, as one word (the apps' own choices are theirs).
STATUS_WORDS = {
    "pending": _("en attente"),
    "active": _("actif"),
    "inactive": _("inactif"),
    "invited": _("invité"),
    "accepted": _("accepté"),
    "approved": _("approuvé"),
    "rejected": _("rejeté"),
    "refused": _("refusé"),
    "declined": _("décliné"),
    "granted": _("accès proposé"),
    "withdrawn": _("retiré"),
    "given_up": _("abandonné"),
    "expired": _("expiré"),
    "ended": _("terminé"),
    "revoked": _("retiré"),
    "deactivated": _("désactivé"),
}

# Payload keys that are not model fields, by what they mean to a reader.
KEY_LABELS = {
    "username": _("Nom d'utilisateur"),
    "email": _("Adresse e-mail"),
    "login": _("Identifiant saisi"),
    "kind": _("Type"),
    "status": _("Statut"),
    "sender_status": _("Statut de l'expéditeur"),
    "account": _("Compte client"),
    "account_number": _("Compte client"),
    "accounts": _("Comptes clients"),
    "billing_addresses": _("Adresses de facturation"),
    "products": _("Produits"),
    "service_types": _("Types de bordereaux"),
    "application": _("Application"),
    "permission": pgettext_lazy("audit", "Droit"),
    "rights": _("Droits"),
    "copied_from": _("Copiés de"),
    "expires_at": _("Expire le"),
    "ends_at": _("Date de fin"),
    "starts_on": _("Début"),
    "ends_on": _("Fin"),
    "previous_valid_until": _("Ancienne clé valable jusqu'au"),
    "key": _("Clé d'API"),
    "keys": _("Clés d'API"),
    "revoked": _("Clés révoquées"),
    "api_keys_revoked": _("Clés d'API révoquées"),
    "revoked_grants": _("Droits retirés"),
    "is_active": _("Actif"),
    "history_listed": _("Historique affiché"),
    "show_admin_contacts": _("Contacts des administrateurs affichés"),
    "user_key": _("Clé utilisateur"),
    "tag": _("Tag utilisateur"),
    "remark": _("Remarque"),
    "message": _("Message"),
    "file_name": _("Fichier"),
    "line": _("Ligne"),
    "rows": _("Lignes"),
    "created_or_updated": _("Créées ou modifiées"),
    "already_there": _("Déjà présentes"),
    "refused": _("Refusées"),
    "added": _("Ajoutés"),
    "updated": _("Mis à jour"),
    "domain": _("Domaine"),
    "free_mail": _("Messagerie gratuite"),
    "via": _("Par"),
    "admins": _("Administrateurs prévenus"),
    "new_login": _("Nouvel identifiant"),
    "customer": _("Client"),
    "router": _("Routeur"),
    "from_customer": _("Reçu de"),
    "open_invitations": _("Invitations ouvertes"),
    "withdrawn": _("Invitations retirées"),
    "must_change_password": _("Doit changer son mot de passe"),
    "user": _("Utilisateur"),
}
# Keys that only make sense to the software (row ids): not shown.
HIDDEN_KEYS = {"import_job", "membership", "customer_admin", "request"}
VIA_WORDS = {
    "portal": _("le portail"),
    "link": _("le lien de l'e-mail"),
    "support": _("le support"),
}
LIST_LIMIT = 20
_CHOICES = {"language": Language, "civility": Civility, "kind": MembershipKind}
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DIMENSION_WORDS = {
    "accounts": ("compte %(items)s", "comptes %(items)s"),
    "billing_addresses": ("adresse de facturation %(items)s", "adresses de facturation %(items)s"),
    "products": ("produit %(items)s", "produits %(items)s"),
    "service_types": ("type de bordereau %(items)s", "types de bordereaux %(items)s"),
}


def key_label(key: str) -> str:
    if key in KEY_LABELS:
        return str(KEY_LABELS[key])
    for model in (User, Membership):
        try:
            field = model._meta.get_field(key)
        except Exception:  # noqa: S112 - not a field of this model: try the next one
            continue
        return str(getattr(field, "verbose_name", key)).capitalize()
    return key.replace("_", " ").capitalize()


def moment(value: str) -> str:
    """An ISO date or date-time from a payload, as the pages write dates; the text otherwise."""
    if _ISO_DATETIME.match(value):
        parsed = parse_datetime(value)
        if parsed is not None:
            if timezone.is_naive(parsed):
                parsed = timezone.make_aware(parsed)
            return date_filter(timezone.localtime(parsed), "SHORT_DATETIME_FORMAT")
    if _ISO_DATE.match(value):
        parsed_date = parse_date(value)
        if parsed_date is not None:
            return date_filter(parsed_date, "SHORT_DATE_FORMAT")
    return value


def scope_text(scope, names: Names) -> str:
    """« comptes 999009, 999010 · produits Lettre »: where a right applies."""
    if not isinstance(scope, Mapping):
        return value_text(scope, names)
    parts = []
    for dimension in SCOPE_DIMENSIONS:
        ids = scope.get(dimension) or []
        if not isinstance(ids, list) or not ids:
            continue
        items = sorted(names.scope_item(dimension, pk) for pk in ids)
        singular, plural = _DIMENSION_WORDS[dimension]
        parts.append(ngettext(singular, plural, len(items)) % {"items": ", ".join(items)})
    return " · ".join(parts) or "—"


def value_text(value, names: Names, *, key: str = "") -> str:
    """Any payload value as text: yes/no, dates, statuses and choices by their labels."""
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if isinstance(value, bool):
        return str(_("oui") if value else _("non"))
    if isinstance(value, list) and key in SCOPE_DIMENSIONS:
        return scope_text({key: value}, names)
    if isinstance(value, list):
        shown = ", ".join(value_text(v, names, key=key) for v in value[:LIST_LIMIT])
        more = len(value) - LIST_LIMIT
        return shown + (" " + _("(et %(count)d autres)") % {"count": more} if more > 0 else "")
    if isinstance(value, Mapping):
        if any(d in value for d in SCOPE_DIMENSIONS):
            return scope_text(value, names)
        return " ; ".join(
            f"{key_label(k)} : {value_text(v, names, key=k)}"
            for k, v in value.items()
            if k not in HIDDEN_KEYS
        )
    text = str(value)
    if key in _CHOICES and text in _CHOICES[key].values:
        return str(_CHOICES[key](text).label)
    if key in {"status", "sender_status"} and text in STATUS_WORDS:
        return str(STATUS_WORDS[text])
    if key == "via" and text in VIA_WORDS:
        return str(VIA_WORDS[text])
    if key == "from_customer":
        return names.company(value)
    return moment(text)


@dataclass(frozen=True)
class Change:
    """One line of a difference: something added, removed, changed, or simply stated."""

    kind: str  # "added", "removed", "changed" or "stated"
    label: str
    before: str = ""
    after: str = ""

    def as_text(self) -> str:
        if self.kind == "added":
            return str(_("Ajouté : %(label)s : %(value)s")) % {
                "label": self.label,
                "value": self.after,
            }
        if self.kind == "removed":
            return str(_("Retiré : %(label)s : %(value)s")) % {
                "label": self.label,
                "value": self.before,
            }
        if self.kind == "changed":
            return str(_("Modifié : %(label)s : %(before)s → %(after)s")) % {
                "label": self.label,
                "before": self.before,
                "after": self.after,
            }
        return f"{self.label} : {self.after}"


def field_changes(before, after, names: Names, *, skip=()) -> list[Change]:
    """The difference of two flat payloads, key by key; a payload with no « before » is stated."""
    before = before if isinstance(before, Mapping) else {}
    after = after if isinstance(after, Mapping) else {}
    changes = []
    for key in [*after, *(k for k in before if k not in after)]:
        if key in HIDDEN_KEYS or key in skip:
            continue
        label = key_label(key)
        old, new = before.get(key), after.get(key)
        if key not in before and not before:
            if new not in (None, "", [], {}):
                changes.append(Change("stated", label, after=value_text(new, names, key=key)))
        elif key not in before:
            changes.append(Change("added", label, after=value_text(new, names, key=key)))
        elif key not in after:
            changes.append(Change("removed", label, before=value_text(old, names, key=key)))
        elif old != new:
            changes.append(
                Change(
                    "changed",
                    label,
                    before=value_text(old, names, key=key),
                    after=value_text(new, names, key=key),
                )
            )
    return changes


def rights_changes(before: Mapping, after: Mapping, names: Names, *, right_name) -> list[Change]:
    """The difference of two {right: scope} mappings: rights given, withdrawn, narrowed or widened.
    `right_name` turns a key of the mapping into the right's name."""
    changes = []
    for key in [*after, *(k for k in before if k not in after)]:
        label = right_name(key)
        if key not in before:
            changes.append(Change("added", label, after=scope_text(after[key], names)))
        elif key not in after:
            changes.append(Change("removed", label, before=scope_text(before[key], names)))
        elif before[key] != after[key]:
            changes.append(
                Change(
                    "changed",
                    label,
                    before=scope_text(before[key], names),
                    after=scope_text(after[key], names),
                )
            )
    return changes
