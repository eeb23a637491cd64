"""Forms of the eSecure area. They check shape; the services in services check the rules.
(Files of authorized e-mails are uploaded through the imports engine.)"""

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Language
from common.widgets import LanguageSelect

from .models import Origin, SenderStatus, Status
from .selectors import EsecureScope


def _blank(choices) -> list:
    return [("", _("Tous"))] + list(choices)


class ScopedForm(forms.Form):
    """A form with an `account` choice among the admin's protected accounts."""

    account_required = True

    def __init__(self, *args, scope: EsecureScope, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope = scope
        choices = [(str(pk), number) for pk, number in scope.choices]
        field = self.fields["account"]
        field.choices = choices if self.account_required else _blank(choices)  # type: ignore[attr-defined]
        if self.account_required and len(choices) == 1:
            field.initial = choices[0][0]

    def clean_account(self):
        value = self.cleaned_data.get("account")
        return int(value) if value else None


# --- Filters ------------------------------------------------------------------------------------


class SenderFilterForm(ScopedForm):
    account_required = False

    email = forms.CharField(label=_("Identifiant e-mail"), required=False, max_length=254)
    account = forms.ChoiceField(label=_("Numéro de compte"), required=False)
    status = forms.ChoiceField(
        label=_("Statut"), required=False, choices=_blank(SenderStatus.choices)
    )
    origin = forms.ChoiceField(label=_("Origine"), required=False, choices=_blank(Origin.choices))


class DomainFilterForm(ScopedForm):
    account_required = False

    domain = forms.CharField(label=_("Nom de domaine"), required=False, max_length=253)
    account = forms.ChoiceField(label=_("Numéro de compte"), required=False)
    status = forms.ChoiceField(label=_("Statut"), required=False, choices=_blank(Status.choices))
    origin = forms.ChoiceField(label=_("Origine"), required=False, choices=_blank(Origin.choices))


class AdminFilterForm(ScopedForm):
    account_required = False

    account = forms.ChoiceField(label=_("Numéro de compte"), required=False)
    email = forms.CharField(label=_("Identifiant e-mail"), required=False, max_length=254)
    name = forms.CharField(label=_("Prénom ou nom"), required=False, max_length=150)
    status = forms.ChoiceField(label=_("Statut"), required=False, choices=_blank(Status.choices))
    origin = forms.ChoiceField(label=_("Origine"), required=False, choices=_blank(Origin.choices))


class AccountFilterForm(ScopedForm):
    account_required = False

    account = forms.ChoiceField(label=_("Numéro de compte"), required=False)
    status = forms.ChoiceField(label=_("Statut"), required=False, choices=_blank(Status.choices))
    origin = forms.ChoiceField(label=_("Origine"), required=False, choices=_blank(Origin.choices))
    consent = forms.ChoiceField(
        label=_("Consentement"),
        required=False,
        choices=_blank([("yes", _("Oui")), ("no", _("Non"))]),
    )


# --- Adding -------------------------------------------------------------------------------------


class SenderAddForm(ScopedForm):
    account = forms.ChoiceField(label=_("Numéro de compte"))
    email = forms.EmailField(label=_("Identifiant e-mail"), max_length=254)
    name = forms.CharField(label=_("Nom"), required=False, max_length=200)


class DomainAddForm(ScopedForm):
    account = forms.ChoiceField(label=_("Numéro de compte"))
    domain = forms.CharField(
        label=_("Nom de domaine"),
        max_length=253,
        help_text=_("Par exemple exemple.com : toutes les adresses @exemple.com seront admises."),
    )
    confirm_free_mail = forms.BooleanField(label=_("Je confirme"), required=False)

    def ask_confirmation(self, domain: str) -> None:
        """After a free-mail refusal: show the checkbox, naming the domain."""
        self.needs_confirmation = True
        label = gettext(
            "Je confirme autoriser tout le domaine %(domain)s : toute personne ayant une adresse "
            "sur ce domaine pourra expédier avec ce compte."
        ) % {"domain": domain}
        # The bound field keeps the label it was created with: change both.
        self.fields["confirm_free_mail"].label = label
        self["confirm_free_mail"].label = label


class AdminAddForm(ScopedForm):
    account = forms.ChoiceField(label=_("Numéro de compte"))
    email = forms.EmailField(label=_("Identifiant e-mail"), max_length=254)
    first_name = forms.CharField(label=_("Prénom"), max_length=150)
    last_name = forms.CharField(label=_("Nom"), max_length=150)
    language = forms.ChoiceField(
        label=_("Langue des e-mails"),
        choices=Language.choices,
        initial=Language.FR,
        widget=LanguageSelect,
    )


class AccountEditForm(forms.Form):
    starts_on = forms.DateField(
        label=_("Date de début"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    ends_on = forms.DateField(
        label=_("Date de fin"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    show_admin_contacts = forms.BooleanField(
        label=_("Consentement : afficher les contacts des administrateurs aux demandeurs"),
        required=False,
        help_text=_(
            "Les demandeurs voient alors le nom, l'e-mail et le téléphone des administrateurs "
            "clients du compte."
        ),
    )

    def clean(self):
        data = super().clean()
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error(
                "ends_on", _("La date de fin doit être égale ou postérieure à la date de début.")
            )
        return data
