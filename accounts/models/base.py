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
        lang = (get_language() or "fr")[:2]
        return self.translations.get(lang) or self.name
