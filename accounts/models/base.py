"""Shared choices and helpers of the accounts models."""

import secrets

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


def new_user_key() -> str:
    """A public user key: 32 hexadecimal characters."""
    return secrets.token_hex(16)


class Language(models.TextChoices):
    FR = "fr", _("Français")
    EN = "en", _("English")
    NL = "nl", _("Nederlands")
    DE = "de", _("Deutsch")


class Civility(models.TextChoices):
    MR = "mr", _("M.")
    MRS = "mrs", _("Mme")
    MX = "mx", _("Mx")


class TranslatedNameMixin(models.Model):
    """Catalog entries carry a French name and optional translations {"en": "...", ...}."""

    name = models.CharField(_("nom"), max_length=200)
    translations = models.JSONField(_("traductions"), default=dict, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        return in_reader_language(self.name, self.translations)[0]

    @property
    def label_lang(self) -> str:
        """The language `label` is written in: the reader's, or French when it falls back."""
        return in_reader_language(self.name, self.translations)[1]


def in_reader_language(french: str, translations: dict | None) -> tuple[str, str]:
    """A catalog text in the active language, else the French one; with its language code, for
    a `lang` attribute when it differs from the page's."""
    lang = (get_language() or "fr")[:2]
    text = (translations or {}).get(lang)
    return (text, lang) if text else (french, "fr")


class TranslatedDescriptionMixin(models.Model):
    """Catalog entries whose French description carries translations {"en": "...", ...} too."""

    description_translations = models.JSONField(
        _("traductions de la description"), default=dict, blank=True
    )

    description: str  # the French text, a field of each model using this mixin

    class Meta:
        abstract = True

    @property
    def description_label(self) -> str:
        return in_reader_language(self.description, self.description_translations)[0]

    @property
    def description_lang(self) -> str:
        return in_reader_language(self.description, self.description_translations)[1]
