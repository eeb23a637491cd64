"""The application catalog: applications, permissions, products, service types, profiles."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .base import TranslatedDescriptionMixin, TranslatedNameMixin
from .companies import CustomerAccount

# --- Application catalog -------------------------------------------------------------------


class Application(TranslatedNameMixin, TranslatedDescriptionMixin):
    """A carrier application; declares which scopes its permissions are narrowed by."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    carrier = models.CharField(_("transporteur"), max_length=50, blank=True)
    description = models.TextField(_("description"), blank=True)
    uses_accounts = models.BooleanField(_("limité par comptes clients"), default=True)
    uses_billing_addresses = models.BooleanField(
        _("limité par adresses de facturation"), default=False
    )
    uses_products = models.BooleanField(_("limité par produits"), default=False)
    uses_service_types = models.BooleanField(_("limité par types de bordereaux"), default=False)
    uses_profiles = models.BooleanField(
        _("soumis à une matrice de profils"),
        default=False,
        help_text=_("Une attribution doit correspondre à un profil d'accès."),
    )
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["position", "name"]


class Permission(TranslatedNameMixin, TranslatedDescriptionMixin):
    """A right within an application (e.g. e-Masspost « Validation + prix »)."""

    application = models.ForeignKey(
        Application,
        on_delete=models.PROTECT,
        related_name="permissions",
        verbose_name=_("application"),
    )
    code = models.SlugField(_("code"), max_length=50)
    description = models.CharField(_("description"), max_length=255, blank=True)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    is_active = models.BooleanField(_("actif"), default=True)

    class Meta:
        verbose_name = _("droit")
        verbose_name_plural = _("droits")
        ordering = ["application__position", "position", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "code"], name="accounts_permission_app_code_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application.name} · {self.name}"


class Product(TranslatedNameMixin):
    application = models.ForeignKey(
        Application,
        on_delete=models.PROTECT,
        related_name="products",
        verbose_name=_("application"),
    )
    code = models.SlugField(_("code"), max_length=50)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("produit")
        verbose_name_plural = _("produits")
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "code"], name="accounts_product_app_code_unique"
            ),
        ]


class ServiceFamily(models.TextChoices):
    MAIL = "mail", _("Courrier")
    PARCEL = "parcel", _("Colis")


class ServiceType(TranslatedNameMixin):
    """A service type (« type de bordereau »), e.g. Direct Mail (bordereau 10)."""

    application = models.ForeignKey(
        Application,
        on_delete=models.PROTECT,
        related_name="service_types",
        verbose_name=_("application"),
    )
    code = models.SlugField(_("code"), max_length=50)
    number = models.PositiveSmallIntegerField(_("numéro de bordereau"), null=True, blank=True)
    family = models.CharField(_("famille"), max_length=8, choices=ServiceFamily.choices)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("type de bordereau")
        verbose_name_plural = _("types de bordereaux")
        ordering = ["position", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "code"], name="accounts_servicetype_app_code_unique"
            ),
        ]


class AccessProfile(TranslatedNameMixin, TranslatedDescriptionMixin):
    """One column of a profile matrix: which permissions it needs or allows, which services."""

    application = models.ForeignKey(
        Application,
        on_delete=models.PROTECT,
        related_name="profiles",
        verbose_name=_("application"),
    )
    code = models.SlugField(_("code"), max_length=50)
    description = models.CharField(_("description"), max_length=255, blank=True)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    service_types = models.ManyToManyField(
        ServiceType,
        related_name="profiles",
        blank=True,
        verbose_name=_("types de bordereaux admis"),
    )

    class Meta:
        verbose_name = _("profil d'accès")
        verbose_name_plural = _("profils d'accès")
        ordering = ["application", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "code"], name="accounts_accessprofile_app_code_unique"
            ),
        ]


class Requirement(models.TextChoices):
    MANDATORY = "mandatory", _("Obligatoire")
    OPTIONAL = "optional", _("Optionnel")


class ProfilePermission(models.Model):
    """A permission's place in a profile; a permission absent from the profile is not allowed."""

    profile = models.ForeignKey(
        AccessProfile, on_delete=models.CASCADE, related_name="rules", verbose_name=_("profil")
    )
    permission = models.ForeignKey(
        Permission, on_delete=models.CASCADE, related_name="+", verbose_name=_("droit")
    )
    requirement = models.CharField(_("exigence"), max_length=10, choices=Requirement.choices)

    class Meta:
        verbose_name = _("règle de profil")
        verbose_name_plural = _("règles de profil")
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "permission"], name="accounts_profilepermission_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.profile} · {self.permission.name}: {self.get_requirement_display()}"


class AccountApplication(models.Model):
    """An application enabled on a customer account (by support staff)."""

    account = models.ForeignKey(
        CustomerAccount, on_delete=models.CASCADE, verbose_name=_("compte client")
    )
    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, verbose_name=_("application")
    )
    enabled_at = models.DateTimeField(_("activée le"), default=timezone.now)

    class Meta:
        verbose_name = _("application d'un compte")
        verbose_name_plural = _("applications des comptes")
        constraints = [
            models.UniqueConstraint(
                fields=["account", "application"], name="accounts_accountapplication_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account.number} · {self.application.name}"
