"""Forms of the provider pages. Forms check shape; the services check the rules.

The rights part works as the rights editor of « Mes utilisateurs » (scope items, then rights;
every ticked right gets the ticked items; what the administrator does not hold is greyed with
the reason), one block per application, each with its own prefix so that they share one page.
"""

import datetime
from collections.abc import Mapping
from typing import cast

from django import forms
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.forms.users import (
    SCOPE_GREYED,
    SCOPE_LEGENDS,
    UNKNOWN_CHOICE,
    scope_item_label,
    used_dimensions,
)
from accounts.permissions import Ceiling, Scope
from accounts.selectors import RightsChoices, union_scope


class ProviderOfferForm(forms.Form):
    email = forms.EmailField(
        label=_("Adresse e-mail du prestataire"),
        max_length=254,
        help_text=_(
            "Le prestataire accepte avec le login de cette adresse, créé par sa propre société."
        ),
    )
    remark = forms.CharField(label=_("Remarque (facultatif)"), max_length=255, required=False)
    ends_at = forms.DateField(
        label=_("Fin de l'accès (facultatif)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Vide : sans fin. Vous pouvez le retirer à tout moment."),
    )

    def clean_ends_at(self):
        value = self.cleaned_data.get("ends_at")
        if value is not None and value <= timezone.localdate():
            raise forms.ValidationError(gettext("Choisissez une date dans le futur."))
        return value


class ProviderAskForm(forms.Form):
    """A provider asks a company for provider access, naming one of its customer accounts."""

    account_number = forms.CharField(
        label=_("Numéro de compte client de la société"),
        max_length=32,
        help_text=_("Un numéro de compte client de la société pour laquelle vous travaillez."),
    )
    message = forms.CharField(
        label=_("Message aux administrateurs de la société"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Qui vous êtes, pour quel travail, avec quels droits. 1000 caractères au plus."
        ),
    )


class ProviderEndForm(forms.Form):
    """The new end date of a provider access, from the providers list (empty: no end)."""

    ends_on = forms.DateField(
        label=_("Fin de l'accès"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),  # what browsers read
        help_text=_("Vide : sans fin."),
    )

    def clean_ends_on(self):
        value = self.cleaned_data.get("ends_on")
        if value is not None and value <= timezone.localdate():
            raise forms.ValidationError(gettext("Choisissez une date dans le futur."))
        return value

    def ends_at(self) -> datetime.datetime | None:
        """The start of the chosen day in the portal's time zone, as for an offer: the access
        no longer works on that day."""
        day = self.cleaned_data.get("ends_on")
        if day is None:
            return None
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class ProviderRightsForm(forms.Form):
    """One application's rights offered to a provider, prefixed by the application's code."""

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
        current: Mapping[int, Scope] | None = None,
    ):
        super().__init__(data, prefix=choices.application.code)
        self.choices = choices
        self.current = current or {}
        self.ceiling = ceiling
        self.application = choices.application
        self.dimensions = used_dimensions(choices)
        field = cast(forms.TypedMultipleChoiceField, self.fields["permissions"])
        field.choices = [(p.pk, p.label) for p in choices.permissions]
        for dim in self.dimensions:
            self.fields[dim] = forms.TypedMultipleChoiceField(
                label=SCOPE_LEGENDS[dim],
                coerce=int,
                required=False,
                choices=[(item.pk, str(item)) for item in choices.items(dim)],
                error_messages={"invalid_choice": UNKNOWN_CHOICE},
            )
        self.actor_scope = union_scope(
            {p.pk: ceiling.scope_of(p) for p in choices.permissions if ceiling.holds(p)}
        )
        self.actor_holds = ceiling.unlimited or any(ceiling.holds(p) for p in choices.permissions)

    def rights(self) -> dict:
        """Every ticked right on every ticked item; the service checks the ceiling."""
        wanted = set(self.cleaned_data["permissions"])
        scope = Scope.of(**{dim: self.cleaned_data.get(dim, []) for dim in self.dimensions})
        return {p: scope for p in self.choices.permissions if p.pk in wanted}

    def _selected(self, name: str) -> set[int]:
        if not self.is_bound:
            return self._current(name)
        data = self.data
        key = self.add_prefix(name)
        raw = data.getlist(key) if isinstance(data, QueryDict) else data.get(key, [])
        values = set()
        for value in raw:
            try:
                values.add(int(value))
            except (TypeError, ValueError):
                continue
        return values

    def _current(self, name: str) -> set[int]:
        """What an unbound form shows ticked: the rights the provider holds now (`current`),
        items as the union of their scopes (the editor gives every right the same items)."""
        mine = {p.pk: self.current[p.pk] for p in self.choices.permissions if p.pk in self.current}
        if name == "permissions":
            return set(mine)
        return set(getattr(union_scope(mine), name)) if mine else set()

    def permission_rows(self) -> list[dict]:
        selected = self._selected("permissions")
        rows = []
        for p in self.choices.permissions:
            holds = self.ceiling.holds(p)
            rows.append(
                {
                    "id": p.pk,
                    "html_id": f"{self.prefix}-perm-{p.pk}",
                    "label": p.label,
                    "label_lang": p.label_lang,
                    "description": p.description_label,
                    "description_lang": p.description_lang,
                    "checked": holds and p.pk in selected,
                    "disabled": not holds,
                    "reason": "" if holds else self.ceiling.can_grant(p, Scope()).reason,
                }
            )
        return rows

    def scope_sections(self) -> list[dict]:
        sections = []
        label = self.application.label
        for dim in self.dimensions:
            selected = self._selected(dim)
            items = []
            for item in self.choices.items(dim):
                greyed = not self.ceiling.unlimited and item.pk not in getattr(
                    self.actor_scope, dim
                )
                items.append(
                    {
                        "id": item.pk,
                        "html_id": f"{self.prefix}-{dim}-{item.pk}",
                        "label": scope_item_label(dim, item),
                        "checked": not greyed and item.pk in selected,
                        "disabled": greyed,
                        "reason": SCOPE_GREYED[dim] % {"application": label} if greyed else "",
                    }
                )
            sections.append(
                {
                    "name": self.add_prefix(dim),
                    "legend": SCOPE_LEGENDS[dim],
                    "items": items,
                    "html_id": f"{self.prefix}-{dim}",
                }
            )
        return sections

    @property
    def permissions_name(self) -> str:
        return self.add_prefix("permissions")


class RouterEndForm(forms.Form):
    """The optional end date of what a router receives."""

    ends_on = forms.DateField(
        label=_("Date de fin (facultative)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Vide : sans fin. Le routeur et vous serez prévenus 14 jours avant."),
    )

    def ends_at(self) -> datetime.datetime | None:
        """The end of the chosen day, in the portal's time zone."""
        day = self.cleaned_data.get("ends_on")
        if day is None:
            return None
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time.max))


class HandOnForm(forms.Form):
    """Who receives (part of) a received right, on which of the customer's accounts."""

    person = forms.TypedChoiceField(label=_("Utilisateur"), coerce=int)
    accounts = forms.TypedMultipleChoiceField(
        label=_("Comptes clients"), coerce=int, required=False
    )

    def __init__(self, data=None, *, people: dict, account_ids=None):
        super().__init__(data)
        person = self.fields["person"]
        assert isinstance(person, forms.TypedChoiceField)
        person.choices = [(pk, m.user.username) for pk, m in people.items()]
        accounts = self.fields["accounts"]
        assert isinstance(accounts, forms.TypedMultipleChoiceField)
        # Any id is passed on: the service refuses what the router did not receive.
        accounts.choices = [(pk, pk) for pk in (account_ids or self._posted_accounts(data))]

    @staticmethod
    def _posted_accounts(data) -> list[int]:
        if data is None:
            return []
        return [int(v) for v in data.getlist("accounts") if str(v).isdigit()]
