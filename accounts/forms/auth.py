from datetime import datetime, time, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ..models import AuditKind
from ..selectors.audit_filters import audit_actor_q, audit_target_q


class PasswordForgotForm(forms.Form):
    login = forms.CharField(
        label=_("Nom d'utilisateur ou adresse e-mail"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )


# Families of audit kinds (the part before the dot), the groups of the filter's list. Each group
# starts with « all of them », whose value is the family alone: the prefix older links carry.
AUDIT_FAMILIES = {
    "user": (_("Utilisateurs"), _("Tous les événements d'utilisateurs")),
    "api_key": (_("Clés d'API"), _("Tous les événements de clés d'API")),
    "rights": (_("Droits"), _("Tous les événements de droits")),
    "advanced": (_("Utilisateurs avancés"), _("Tous les événements d'utilisateurs avancés")),
    "company": (_("Sociétés"), _("Tous les événements de sociétés")),
    "provider": (_("Prestataires"), _("Tous les événements de prestataires")),
    "esecure": (_("eSecure"), _("Tous les événements eSecure")),
    "router": (_("Routeurs"), _("Tous les événements de routeurs")),
    "import": (_("Imports"), _("Tous les événements d'imports")),
}


def audit_kind_choices() -> list:
    """Every kind under its family's group, so that the list stays complete as kinds are added."""
    groups: dict[str, list] = {}
    for kind in AuditKind:
        groups.setdefault(kind.family, []).append((kind.value, kind.label))
    choices: list = [("", _("Tous les événements"))]
    for family, kinds in groups.items():
        group_label, all_label = AUDIT_FAMILIES.get(family, (family, family))
        choices.append((group_label, [(family, all_label), *kinds]))
    return choices


class AuditFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Type d'événement"), required=False, choices=audit_kind_choices
    )
    # A name, a username or an e-mail address: each word is looked for in each of them.
    actor = forms.CharField(label=_("Auteur"), required=False, max_length=150)
    # A person as above, or an account number, an e-mail address, a domain in the object.
    target = forms.CharField(
        label=pgettext_lazy("audit target", "Concernant"), required=False, max_length=150
    )
    date_from = forms.DateField(
        label=pgettext_lazy("date range start", "Du"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    date_to = forms.DateField(
        label=pgettext_lazy("date range end", "Au"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError(_("La date de début est après la date de fin."))
        return data

    def filter(self, events):
        """The events matching the valid filters (all of them when the form is empty)."""
        if not self.is_valid():
            return events.none()
        data = self.cleaned_data
        if data["kind"] in AuditKind.values:
            events = events.filter(kind=data["kind"])
        elif data["kind"]:
            events = events.filter(kind__startswith=f"{data['kind']}.")
        if data["actor"]:
            events = events.filter(audit_actor_q(data["actor"]))
        if data["target"]:
            events = events.filter(audit_target_q(data["target"]))
        # Days of the portal's time zone, as bounds on the column (its index serves them).
        if data["date_from"]:
            events = events.filter(created_at__gte=_day_start(data["date_from"]))
        if data["date_to"]:
            events = events.filter(created_at__lt=_day_start(data["date_to"] + timedelta(days=1)))
        return events


def _day_start(day):
    return timezone.make_aware(datetime.combine(day, time.min))
