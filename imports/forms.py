"""Forms of the imports app: they check shape only; the file is read by the service."""

from django import forms
from django.utils.translation import gettext_lazy as _


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Fichier CSV"),
        help_text=_(
            "1000 lignes au plus, avec la ligne d'en-tête du modèle ; séparateur « ; » ou "
            "« , » ; UTF-8 ou Windows-1252 (le CSV d'Excel convient)."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv,text/plain"}),
    )
    dry_run = forms.BooleanField(
        label=_("Simuler d'abord : voir ce que ferait chaque ligne, sans rien modifier"),
        required=False,
        initial=True,
    )
