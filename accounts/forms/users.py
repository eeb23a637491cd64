"""Forms of the standard users pages and their rights pages.

Forms check shape; the services check the rules (ceiling, uniqueness, password strength) and
raise ValidationError. What the acting administrator cannot give is shown disabled with the
reason; since a disabled control is not submitted, the forms put back what the person already
holds there, so that saving never silently removes it.
"""

from typing import cast

from django import forms
from django.contrib.auth.password_validation import password_validators_help_text_html
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.http import QueryDict
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from common.widgets import LanguageSelect

from ..models import Civility, Language, Membership, MembershipKind, Permission
from ..permissions import MANAGEMENT_RIGHTS, SCOPE_DIMENSIONS, Ceiling, Scope, management_errors
from ..selectors.users import RightsChoices, union_scope

MANAGEMENT_LABELS = {
    "can_manage_users": (
        _("Créer et gérer des utilisateurs"),
        _("Fait de la personne un administrateur : elle gère les utilisateurs de la société."),
    ),
    "can_manage_admins": (
        _("Créer et gérer des administrateurs"),
        _("Elle peut aussi créer, modifier et désactiver des administrateurs."),
    ),
    "can_recover_password": (
        _("Récupération du mot de passe en libre-service"),
        _("Elle peut recevoir elle-même un lien pour choisir un nouveau mot de passe."),
    ),
    "has_ftp_access": (
        _("Accès FTP"),
        _("Échange de fichiers par le serveur FTP (première connexion par le portail)."),
    ),
}


class UserListFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Rechercher"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Nom d'utilisateur, nom ou e-mail")}
        ),
    )
    deactivated = forms.BooleanField(
        label=_("Afficher les utilisateurs désactivés"), required=False
    )


class ManagementRightsMixin:
    """The four user-management checkboxes, disabled with the reason when the actor cannot
    give them (Ceiling.management through `management_errors`)."""

    fields: dict
    cleaned_data: dict

    def add_management_fields(self, *, ceiling: Ceiling, target: Membership | None, actor) -> None:
        self.management_target = target
        self.management_locked: dict[str, str] = {}
        for name in MANAGEMENT_RIGHTS:
            label, help_text = MANAGEMENT_LABELS[name]
            field = forms.BooleanField(label=label, help_text=help_text, required=False)
            if target is not None and target.user_id == actor.pk:
                reasons = [gettext("Vous ne pouvez pas modifier vos propres droits de gestion.")]
            else:
                reasons = management_errors(ceiling=ceiling, target=target, wanted={name: True})
                if target is not None and getattr(target, name):
                    # Held already: still locked when the actor could not give it back.
                    reasons += management_errors(ceiling=ceiling, target=None, wanted={name: True})
            if reasons:
                self.management_locked[name] = " ".join(dict.fromkeys(reasons))
                field.widget.attrs["disabled"] = True
                field.help_text = self.management_locked[name]
            if target is not None:
                field.initial = getattr(target, name)
            self.fields[name] = field

    def management_wanted(self) -> dict[str, bool]:
        """The rights asked for; a disabled box keeps what the person holds, while a value
        sent for it anyway (a crafted request) goes to the service, which refuses it."""
        wanted = {}
        for name in MANAGEMENT_RIGHTS:
            value = bool(self.cleaned_data.get(name))
            if name in self.management_locked and self.management_target is not None:
                value = value or getattr(self.management_target, name)
            wanted[name] = value
        return wanted

    def management_bound_fields(self) -> list:
        return [self[name] for name in MANAGEMENT_RIGHTS]  # type: ignore[index]


class PersonalDetailsForm(forms.Form):
    civility = forms.ChoiceField(
        label=_("Civilité"), choices=[("", "—"), *Civility.choices], required=False
    )
    first_name = forms.CharField(label=_("Prénom"), max_length=150)
    last_name = forms.CharField(label=_("Nom"), max_length=150)
    email = forms.EmailField(
        label=_("Adresse e-mail"),
        max_length=254,
        help_text=_("Elle reçoit son nom d'utilisateur à cette adresse."),
    )
    language = forms.ChoiceField(
        label=_("Langue"),
        choices=Language.choices,
        widget=LanguageSelect,
        help_text=_("Langue des e-mails qu'elle reçoit."),
    )
    function = forms.CharField(label=_("Fonction"), max_length=100, required=False)
    phone = forms.CharField(label=_("Téléphone"), max_length=32, required=False)
    address = forms.CharField(label=_("Adresse"), max_length=255, required=False)
    postcode = forms.CharField(label=_("Code postal"), max_length=16, required=False)
    city = forms.CharField(label=_("Ville"), max_length=100, required=False)
    country = forms.RegexField(
        label=_("Pays"),
        regex=r"^[A-Za-z]{2}$",
        max_length=2,
        initial="BE",
        help_text=_("Code à deux lettres, par exemple BE, FR, NL, DE, CH."),
        error_messages={"invalid": _("Indiquez un code pays à deux lettres.")},
    )

    def details(self) -> dict[str, str]:
        return {
            name: self.cleaned_data[name]
            for name in PersonalDetailsForm.base_fields
            if name in self.fields
        }

    def detail_fields(self) -> list:
        return [self[name] for name in PersonalDetailsForm.base_fields if name in self.fields]


class UserCreateForm(ManagementRightsMixin, PersonalDetailsForm):
    username = forms.CharField(
        label=_("Nom d'utilisateur"),
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        help_text=_("Lettres, chiffres et les signes @ . + - _ ; il ne pourra plus changer."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none"}),
    )
    password = forms.CharField(
        label=_("Mot de passe temporaire"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_(
            "La personne devra le changer à sa première connexion. Communiquez-le-lui "
            "autrement que par e-mail."
        ),
    )
    password_confirm = forms.CharField(
        label=_("Confirmer le mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def identity_fields(self) -> list:
        return [self["username"], self["password"], self["password_confirm"]]

    def __init__(self, *args, ceiling: Ceiling, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].help_text = (
            str(self.fields["password"].help_text) + password_validators_help_text_html()
        )
        self.add_management_fields(ceiling=ceiling, target=None, actor=actor)

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("password")
            and cleaned.get("password_confirm") is not None
            and cleaned["password"] != cleaned["password_confirm"]
        ):
            self.add_error("password_confirm", gettext("Les deux mots de passe diffèrent."))
        return cleaned


class UserEditForm(ManagementRightsMixin, PersonalDetailsForm):
    def __init__(self, data=None, *, membership: Membership, ceiling: Ceiling, actor):
        user = membership.user
        super().__init__(
            data, initial={name: getattr(user, name) for name in PersonalDetailsForm.base_fields}
        )
        if membership.kind == MembershipKind.TECHNICAL:
            # A technical user is a label and an optional contact address.
            for name in list(self.fields):
                if name not in ("last_name", "email"):
                    del self.fields[name]
            self.fields["last_name"].label = _("Libellé")
            self.fields["email"].required = False
            self.fields["email"].help_text = _("Adresse de contact, facultative.")
            self.management_target = membership
            self.management_locked = {}
        else:
            self.add_management_fields(ceiling=ceiling, target=membership, actor=actor)

    def management_wanted(self) -> dict[str, bool]:
        if not any(name in self.fields for name in MANAGEMENT_RIGHTS):
            return dict.fromkeys(MANAGEMENT_RIGHTS, False)
        return super().management_wanted()


class TechnicalUserForm(forms.Form):
    username = forms.CharField(
        label=_("Nom d'utilisateur"),
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        help_text=_("Identifie l'intégration dans le journal ; lettres, chiffres et @ . + - _"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none"}),
    )
    label = forms.CharField(
        label=_("Libellé"),
        max_length=150,
        help_text=_("Par exemple : « ERP — création des dépôts »."),
    )
    email = forms.EmailField(
        label=_("Adresse e-mail de contact"),
        max_length=254,
        required=False,
        help_text=_("Facultative : la personne à prévenir au sujet de cette intégration."),
    )


# --- Rights --------------------------------------------------------------------------------

SCOPE_LEGENDS = {
    "accounts": _("Comptes clients"),
    "billing_addresses": _("Adresses de facturation"),
    "products": _("Produits"),
    "service_types": _("Types de bordereaux"),
}
SCOPE_GREYED = {
    "accounts": _("Vous ne détenez aucun droit %(application)s sur ce compte."),
    "billing_addresses": _("Vous ne détenez aucun droit %(application)s sur cette adresse."),
    "products": _("Vous ne détenez aucun droit %(application)s pour ce produit."),
    "service_types": _("Vous ne détenez aucun droit %(application)s pour ce type de bordereau."),
}
# Said once above the greyed items of a section, instead of under each of them.
SCOPE_GREYED_GROUP = {
    "accounts": _("Vous ne détenez aucun droit %(application)s sur ces comptes :"),
    "billing_addresses": _("Vous ne détenez aucun droit %(application)s sur ces adresses :"),
    "products": _("Vous ne détenez aucun droit %(application)s pour ces produits :"),
    "service_types": _(
        "Vous ne détenez aucun droit %(application)s pour ces types de bordereaux :"
    ),
}
PERMISSIONS_GREYED_GROUP = _(
    "Vous ne détenez aucun de ces droits %(application)s : vous ne pouvez pas les donner. "
    "Ceux que l'utilisateur détient déjà, cochés, lui restent."
)
UNKNOWN_CHOICE = _("Choix inconnu ou hors de votre société : %(value)s.")


def _intersection(a: Scope, b: Scope) -> Scope:
    return Scope(**{n: getattr(a, n) & getattr(b, n) for n in SCOPE_DIMENSIONS})


def used_dimensions(choices: RightsChoices) -> list[str]:
    app = choices.application
    flags = {
        "accounts": app.uses_accounts,
        "billing_addresses": app.uses_billing_addresses,
        "products": app.uses_products,
        "service_types": app.uses_service_types,
    }
    return [dim for dim in SCOPE_DIMENSIONS if flags[dim]]


class RightsForm(forms.Form):
    """One application's rights of one person: scope items, then permissions. Every checked
    permission gets the same scope, as on the carrier's screens."""

    permissions = forms.TypedMultipleChoiceField(
        label=_("Droits"),
        coerce=int,
        required=False,
        error_messages={"invalid_choice": UNKNOWN_CHOICE},
    )

    def __init__(
        self,
        data=None,
        *,
        choices: RightsChoices,
        ceiling: Ceiling,
        current: dict[int, Scope],
    ):
        super().__init__(data)
        self.choices = choices
        self.ceiling = ceiling
        self.current = current
        self.dimensions = used_dimensions(choices)
        permissions = cast(forms.TypedMultipleChoiceField, self.fields["permissions"])
        permissions.choices = [(p.pk, p.label) for p in choices.permissions]
        for dim in self.dimensions:
            self.fields[dim] = forms.TypedMultipleChoiceField(
                label=SCOPE_LEGENDS[dim],
                coerce=int,
                required=False,
                choices=[(item.pk, str(item)) for item in choices.items(dim)],
                error_messages={"invalid_choice": UNKNOWN_CHOICE},
            )
        # What the actor holds on any permission of this application: beyond it, greyed.
        self.actor_scope = union_scope(
            {p.pk: ceiling.scope_of(p) for p in choices.permissions if ceiling.holds(p)}
        )
        self.greyed = Scope.of(
            **{
                dim: [i.pk for i in choices.items(dim) if self._greyed(dim, i.pk)]
                for dim in self.dimensions
            }
        )
        self.names = choices.names()

    def _greyed(self, dim: str, pk: int) -> bool:
        return not self.ceiling.unlimited and pk not in getattr(self.actor_scope, dim)

    @property
    def mixed_scopes(self) -> bool:
        """The person's rights here do not all share one scope: saving will align them."""
        return len(set(self.current.values())) > 1

    def rights(self) -> dict[Permission, Scope]:
        """The rights to save. A permission the actor does not hold keeps the person's scope;
        greyed items the person holds stay; anything else sent is passed on for the ceiling."""
        wanted = set(self.cleaned_data["permissions"])
        submitted = Scope.of(**{dim: self.cleaned_data.get(dim, []) for dim in self.dimensions})
        result: dict[Permission, Scope] = {}
        for permission in self.choices.permissions:
            held = self.current.get(permission.pk)
            if held is not None and not self.ceiling.holds(permission):
                result[permission] = held
            elif permission.pk in wanted:
                kept = _intersection(held, self.greyed) if held is not None else Scope()
                result[permission] = submitted | kept
        return result

    # --- Display ------------------------------------------------------------------------

    def _selected(self, name: str, fallback: frozenset[int]) -> set[int]:
        if not self.is_bound:
            return set(fallback)
        values = set()
        data = self.data
        for raw in data.getlist(name) if isinstance(data, QueryDict) else data.get(name, []):
            try:
                values.add(int(raw))
            except (TypeError, ValueError):
                continue
        return values

    def permission_rows(self) -> list[dict]:
        selected = self._selected("permissions", frozenset(self.current))
        rows = []
        for p in self.choices.permissions:
            holds = self.ceiling.holds(p)
            held_by_person = p.pk in self.current
            rows.append(
                {
                    "id": p.pk,
                    "label": p.label,
                    "label_lang": p.label_lang,
                    "description": p.description_label,
                    "description_lang": p.description_lang,
                    "checked": held_by_person if not holds else p.pk in selected,
                    "disabled": not holds,
                    "reason": "" if holds else self.ceiling.can_grant(p, Scope()).reason,
                    "partial": self._partial_hint(p) if holds else "",
                }
            )
        return rows

    def _partial_hint(self, permission: Permission) -> str:
        if self.ceiling.unlimited:
            return ""
        missing = self.actor_scope - self.ceiling.scope_of(permission)
        items = [
            self.names[dim][pk]
            for dim in self.dimensions
            for pk in sorted(getattr(missing, dim))
            if pk in self.names[dim]
        ]
        if not items:
            return ""
        return gettext("Vous ne détenez pas « %(permission)s » sur : %(items)s.") % {
            "permission": permission.label,
            "items": ", ".join(items),
        }

    def scope_sections(self) -> list[dict]:
        held = union_scope(self.current)
        sections = []
        for dim in self.dimensions:
            selected = self._selected(dim, getattr(held, dim))
            items = []
            for item in self.choices.items(dim):
                greyed = item.pk in getattr(self.greyed, dim)
                checked = item.pk in getattr(held, dim) if greyed else item.pk in selected
                items.append(
                    {
                        "id": item.pk,
                        "label": self._item_label(dim, item),
                        "checked": checked,
                        "disabled": greyed,
                        "reason": (
                            SCOPE_GREYED[dim] % {"application": self.choices.application.label}
                            if greyed
                            else ""
                        ),
                    }
                )
            application = self.choices.application.label
            sections.append(
                {
                    "name": dim,
                    "legend": SCOPE_LEGENDS[dim],
                    "items": items,
                    "open_items": [i for i in items if not i["disabled"]],
                    "greyed_items": [i for i in items if i["disabled"]],
                    "greyed_reason": SCOPE_GREYED_GROUP[dim] % {"application": application},
                    "field": self[dim],
                }
            )
        return sections

    def permission_groups(self) -> dict:
        """The rights the actor may give, then those they hold nowhere, with one reason."""
        rows = self.permission_rows()
        return {
            "open": [row for row in rows if not row["disabled"]],
            "greyed": [row for row in rows if row["disabled"]],
            "greyed_reason": PERMISSIONS_GREYED_GROUP
            % {"application": self.choices.application.label},
        }

    @staticmethod
    def _item_label(dim: str, item) -> str:
        return scope_item_label(dim, item)


def scope_item_label(dim: str, item) -> str:
    """How a scope item reads in the rights editor (shared with the provider pages)."""
    if dim == "accounts":
        return f"{item.number} — {item.name}" if item.name else item.number
    if dim == "billing_addresses":
        return f"{item.name} — {item.address}, {item.postcode} {item.city}"
    return item.label


class CopySourceForm(forms.Form):
    """« Copier les droits d'un autre utilisateur »: whose rights, for which application."""

    def __init__(self, data=None, *, sources, applications):
        super().__init__(data)
        self.fields["from"] = forms.TypedChoiceField(
            # Translators: label of a user drop-down, read on its own.
            label=_("Copier les droits de l'utilisateur"),
            coerce=int,
            choices=[
                (m.user_id, f"{m.user.username} — {m.user.display_name}")
                if m.user.get_full_name()
                else (m.user_id, m.user.username)
                for m in sources
            ],
        )
        self.fields["app"] = forms.ChoiceField(
            # Translators: label of an application drop-down, read on its own.
            label=_("Application à copier"),
            choices=[(a.code, a.label) for a in applications],
        )
