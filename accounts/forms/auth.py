from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class PasswordForgotForm(forms.Form):
    login = forms.CharField(
        label=_("Nom d'utilisateur ou adresse e-mail"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )


class AuditFilterForm(forms.Form):
    kind = forms.CharField(
        label=_("Type d'événement"),
        required=False,
        max_length=64,
        help_text=_("Début du type, par exemple « rights » ou « user »."),
    )
    actor = forms.CharField(label=_("Auteur"), required=False, max_length=150)
    date_from = forms.DateField(
        label=pgettext_lazy("date range start", "Du"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = forms.DateField(
        label=pgettext_lazy("date range end", "Au"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
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
        if data["kind"]:
            events = events.filter(kind__startswith=data["kind"].strip())
        if data["actor"]:
            events = events.filter(actor_repr__icontains=data["actor"].strip())
        if data["date_from"]:
            events = events.filter(created_at__date__gte=data["date_from"])
        if data["date_to"]:
            events = events.filter(created_at__date__lte=data["date_to"])
        return events
