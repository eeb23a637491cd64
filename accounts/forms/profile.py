"""Forms of a person's own account: their details, and a new e-mail address."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .users import PersonalDetailsForm


class OwnDetailsForm(PersonalDetailsForm):
    """The person's own details: the same fields as an administrator fills in, without the
    e-mail address (changed only through a confirmed link), in the person's own words."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["email"]
        self.fields["language"].help_text = _("Langue des e-mails que vous recevez.")


class EmailChangeForm(forms.Form):
    new_email = forms.EmailField(
        label=_("Nouvelle adresse e-mail"),
        max_length=254,
        help_text=_(
            "Un lien de confirmation y sera envoyé ; votre adresse change quand vous l'ouvrez."
        ),
    )
    new_email_confirm = forms.EmailField(
        label=_("Nouvelle adresse e-mail, une seconde fois"), max_length=254
    )
    password = forms.CharField(
        label=_("Mot de passe actuel"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def clean(self):
        data = super().clean()
        first, second = data.get("new_email"), data.get("new_email_confirm")
        if first and second and first.strip().lower() != second.strip().lower():
            self.add_error("new_email_confirm", _("Les deux adresses ne sont pas identiques."))
        return data
