"""Forms of the advanced-users area. They check shape only; rules live in the services."""

import re

from django import forms
from django.contrib.auth.password_validation import (
    password_validators_help_text_html,
    validate_password,
)
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.utils.translation import gettext_lazy as _

from common.widgets import LanguageSelect

from ..models import Language, User

CELL_RE = re.compile(r"(\d{1,10}):(\d{1,10})")
MAX_CELLS = 5000


def _text(label, *, required=True, max_length=100, autocomplete=None):
    attrs = {"autocomplete": autocomplete} if autocomplete else {}
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        widget=forms.TextInput(attrs=attrs),
    )


class PersonDetailsForm(forms.Form):
    """The person's details as the Colissimo guide lists them (all required but the tag)."""

    last_name = _text(_("Nom"), max_length=150, autocomplete="family-name")
    first_name = _text(_("Prénom"), max_length=150, autocomplete="given-name")
    function = _text(_("Fonction"), autocomplete="organization-title")
    phone = _text(_("Téléphone"), max_length=32, autocomplete="tel")
    address = _text(_("Adresse"), max_length=255, autocomplete="street-address")
    postcode = _text(_("Code postal"), max_length=16, autocomplete="postal-code")
    city = _text(_("Ville"), autocomplete="address-level2")


class AdvancedUserForm(PersonDetailsForm):
    """Add an advanced user: details, e-mail twice, optional tag, language of the e-mails."""

    field_order = [
        "last_name",
        "first_name",
        "function",
        "phone",
        "email",
        "email_confirm",
        "address",
        "postcode",
        "city",
        "tag",
        "language",
    ]

    email = forms.EmailField(
        label=_("E-mail"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "off"})
    )
    email_confirm = forms.EmailField(
        label=_("Confirmer l'e-mail"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    tag = _text(
        _("Tag utilisateur"),
        required=False,
        max_length=50,
    )
    language = forms.ChoiceField(
        label=_("Langue des e-mails"),
        choices=Language.choices,
        initial=Language.FR,
        widget=LanguageSelect,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tag"].help_text = _(
            "Facultatif. Le même tag porté par un colis permet de limiter le suivi à ces colis "
            "(droit « Suivi limité au tag utilisateur »)."
        )

    def clean(self):
        data = super().clean()
        email, confirm = data.get("email"), data.get("email_confirm")
        if email and confirm and email.strip().lower() != confirm.strip().lower():
            self.add_error("email_confirm", _("Les deux adresses e-mail ne sont pas identiques."))
        return data


class AdvancedDetailsForm(PersonDetailsForm):
    """An administrator edits an advanced user's details and the company's tag for them."""

    tag = _text(_("Tag utilisateur"), required=False, max_length=50)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tag"].help_text = _(
            "Facultatif. Propre à votre société : les autres sociétés de cette personne ont le "
            "leur. Le même tag porté par un colis permet de limiter le suivi à ces colis."
        )

    def details(self) -> dict[str, str]:
        return {name: self.cleaned_data[name] for name in PersonDetailsForm.base_fields}


class RightsForm(forms.Form):
    """The ticked boxes of the rights matrix, posted as "<permission id>:<account id>"."""

    def clean(self):
        data = super().clean()
        values = self.data.getlist("right") if hasattr(self.data, "getlist") else []
        if len(values) > MAX_CELLS:
            raise forms.ValidationError(_("Trop de cases cochées."))
        cells = set()
        for value in values:
            match = CELL_RE.fullmatch(value)
            if match is None:
                raise forms.ValidationError(
                    _("Choix de droits illisible. Rien n'a été enregistré.")
                )
            cells.add((int(match[1]), int(match[2])))
        data["cells"] = cells
        return data


class UserKeySearchForm(forms.Form):
    user_key = forms.CharField(
        label=_("Clé utilisateur"),
        max_length=64,
        help_text=_(
            "32 caractères (chiffres et lettres a à f). La personne la trouve dans « Mon compte »."
        ),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "class": "code"}
        ),
    )

    def clean_user_key(self):
        key = re.sub(r"\s+", "", self.cleaned_data["user_key"]).lower()
        if not re.fullmatch(r"[0-9a-f]{32}", key):
            raise forms.ValidationError(
                _("Une clé utilisateur compte 32 caractères : chiffres et lettres de a à f.")
            )
        return key


class InvitationAcceptForm(PersonDetailsForm):
    """The invited person: username, password twice, and their details to check."""

    field_order = [
        "username",
        "password1",
        "password2",
        "last_name",
        "first_name",
        "function",
        "phone",
        "address",
        "postcode",
        "city",
    ]

    username = forms.CharField(
        label=_("Nom d'utilisateur"),
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        help_text=_("Lettres, chiffres et les caractères @ . + - _ uniquement."),
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )
    password1 = forms.CharField(
        label=_("Mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Confirmer le mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, user: User, **kwargs):
        self.user = user
        kwargs.setdefault(
            "initial", {name: getattr(user, name) for name in PersonDetailsForm.base_fields}
        )
        super().__init__(*args, **kwargs)
        self.fields["password1"].help_text = password_validators_help_text_html()

    def clean_username(self):
        return self.cleaned_data["username"].strip().lower()

    def clean(self):
        data = super().clean()
        password, confirm = data.get("password1"), data.get("password2")
        if password and confirm and password != confirm:
            self.add_error("password2", _("Les deux mots de passe ne sont pas identiques."))
        elif password:
            # Judged against the details being chosen, not the placeholders of the invitation.
            candidate = User(
                username=data.get("username") or "",
                email=self.user.email,
                first_name=data.get("first_name") or "",
                last_name=data.get("last_name") or "",
            )
            try:
                validate_password(password, user=candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data
