from django import forms
from django.utils.translation import gettext_lazy as _


class PasswordForgotForm(forms.Form):
    login = forms.CharField(
        label=_("Nom d'utilisateur ou adresse e-mail"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )


class AuditFilterForm(forms.Form):
    kind = forms.CharField(label=_("Type d'événement"), required=False, max_length=64)
