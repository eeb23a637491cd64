"""Forms of the eSecure area. They check shape (and read the uploaded file); the services in
services check the rules."""

import csv
import io

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Language

from .models import Origin, SenderStatus, Status
from .selectors import EsecureScope
from .services import MAX_UPLOAD_ROWS

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
_EMAIL_HEADERS = ("mail", "courriel", "adresse", "identifiant")
_NAME_HEADERS = ("nom", "name", "naam")


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
        label=_("Langue des e-mails"), choices=Language.choices, initial=Language.FR
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


# --- Uploading ----------------------------------------------------------------------------------


class SenderUploadForm(ScopedForm):
    """One account and a CSV of e-mails: one column (e-mail), optionally a name column, an
    optional header, `;` or `,`, UTF-8 with or without BOM or Windows-1252."""

    account = forms.ChoiceField(label=_("Numéro de compte"))
    file = forms.FileField(
        label=_("Fichier CSV"),
        help_text=_(
            "Une adresse e-mail par ligne (1000 au plus), éventuellement suivie d'un nom ; "
            "ligne d'en-tête facultative ; séparateur « ; » ou « , » ; UTF-8 ou Windows-1252 "
            "(CSV d'Excel)."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv,text/plain"}),
    )

    def clean_file(self) -> list[tuple[int, str, str]]:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("Le fichier est trop volumineux (2 Mo au plus pour 1000 adresses).")
            )
        rows = read_email_rows(upload.read())
        if len(rows) > MAX_UPLOAD_ROWS:
            raise forms.ValidationError(
                _(
                    "Le fichier contient %(count)s lignes d'adresses : %(max)s au plus par envoi. "
                    "Rien n'a été modifié ; découpez-le en plusieurs fichiers."
                ),
                params={"count": len(rows), "max": MAX_UPLOAD_ROWS},
            )
        if not rows:
            raise forms.ValidationError(_("Le fichier ne contient aucune adresse e-mail."))
        return rows


def _decode(data: bytes) -> str:
    if b"\x00" in data:
        raise forms.ValidationError(
            _("Ce fichier n'est pas lisible : envoyez un fichier CSV (texte), pas un classeur.")
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise forms.ValidationError(
            _("Ce fichier n'est pas lisible : enregistrez-le en CSV UTF-8 ou Windows-1252.")
        ) from None


def read_email_rows(data: bytes) -> list[tuple[int, str, str]]:
    """(row number in the file, e-mail, name) for every non-blank data row."""
    text = _decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if ";" in first_line else ","
    try:
        lines = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error:
        raise forms.ValidationError(
            _("Ce fichier n'est pas un CSV lisible : vérifiez les guillemets.")
        ) from None
    email_col, name_col, start = 0, 1, 0
    if lines and _is_header(lines[0]):
        header = [cell.strip().lower() for cell in lines[0]]
        email_col = next(
            (i for i, h in enumerate(header) if any(w in h for w in _EMAIL_HEADERS)), 0
        )
        name_col = next(
            (i for i, h in enumerate(header) if i != email_col and h.startswith(_NAME_HEADERS)),
            1 if email_col == 0 else -1,
        )
        start = 1
    rows = []
    for number, cells in enumerate(lines[start:], start=start + 1):
        if not any(cell.strip() for cell in cells):
            continue
        email = cells[email_col].strip() if email_col < len(cells) else ""
        name = cells[name_col].strip() if 0 <= name_col < len(cells) else ""
        rows.append((number, email, name))
    return rows


def _is_header(cells: list[str]) -> bool:
    first = " ".join(cells).lower()
    return "@" not in first and any(word in first for word in _EMAIL_HEADERS)
