"""Companies, their customer accounts and billing addresses."""

from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# --- Companies -----------------------------------------------------------------------------


class CompanyQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def routers(self):
        return self.filter(is_router=True, is_active=True)


class Company(models.Model):
    name = models.CharField(_("nom"), max_length=200)
    vat_number = models.CharField(_("numéro de TVA"), max_length=32, blank=True)
    address = models.CharField(_("adresse"), max_length=255, blank=True)
    postcode = models.CharField(_("code postal"), max_length=16, blank=True)
    city = models.CharField(_("ville"), max_length=100, blank=True)
    country = models.CharField(_("pays"), max_length=2, default="BE")
    is_router = models.BooleanField(
        _("routeur"), default=False, help_text=_("Listée dans l'annuaire des routeurs.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("créée le"), default=timezone.now)

    objects = CompanyQuerySet.as_manager()

    class Meta:
        verbose_name = _("société")
        verbose_name_plural = _("sociétés")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ForCompanyQuerySet(models.QuerySet):
    def for_company(self, company):
        return self.filter(company=company)

    def active(self):
        return self.filter(is_active=True)


class CustomerAccount(models.Model):
    company = models.ForeignKey(
        Company, on_delete=models.PROTECT, related_name="accounts", verbose_name=_("société")
    )
    number = models.CharField(_("numéro de compte"), max_length=32, unique=True)
    name = models.CharField(_("libellé"), max_length=200, blank=True)
    is_active = models.BooleanField(_("actif"), default=True)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    # Typed loosely: naming the catalog classes here would make the two modules import each other.
    applications: "models.ManyToManyField[Any, Any]" = models.ManyToManyField(
        "Application",
        through="AccountApplication",
        related_name="accounts",
        verbose_name=_("applications"),
        blank=True,
    )

    objects = ForCompanyQuerySet.as_manager()

    class Meta:
        verbose_name = _("compte client")
        verbose_name_plural = _("comptes clients")
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number} - {self.name}" if self.name else self.number


class BillingAddress(models.Model):
    company = models.ForeignKey(
        Company,
        on_delete=models.PROTECT,
        related_name="billing_addresses",
        verbose_name=_("société"),
    )
    name = models.CharField(_("nom"), max_length=200)
    address = models.CharField(_("adresse"), max_length=255)
    postcode = models.CharField(_("code postal"), max_length=16)
    city = models.CharField(_("ville"), max_length=100)
    country = models.CharField(_("pays"), max_length=2, default="BE")
    is_active = models.BooleanField(_("active"), default=True)

    objects = ForCompanyQuerySet.as_manager()

    class Meta:
        verbose_name = _("adresse de facturation")
        verbose_name_plural = _("adresses de facturation")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} - {self.address}, {self.postcode} {self.city}"
