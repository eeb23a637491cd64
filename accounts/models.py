"""Companies, people, memberships, the application catalog, grants and the audit log."""

import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
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
    applications: "models.ManyToManyField[Application, AccountApplication]" = (
        models.ManyToManyField(
            "Application",
            through="AccountApplication",
            related_name="accounts",
            verbose_name=_("applications"),
            blank=True,
        )
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


# --- People --------------------------------------------------------------------------------


class User(AbstractUser):
    """A person (or a technical client). Never deleted: deactivated with is_active=False."""

    civility = models.CharField(_("civilité"), max_length=3, choices=Civility.choices, blank=True)
    language = models.CharField(
        _("langue"), max_length=2, choices=Language.choices, default=Language.FR
    )
    function = models.CharField(_("fonction"), max_length=100, blank=True)
    phone = models.CharField(_("téléphone"), max_length=32, blank=True)
    address = models.CharField(_("adresse"), max_length=255, blank=True)
    postcode = models.CharField(_("code postal"), max_length=16, blank=True)
    city = models.CharField(_("ville"), max_length=100, blank=True)
    country = models.CharField(_("pays"), max_length=2, default="BE")
    must_change_password = models.BooleanField(_("doit changer son mot de passe"), default=False)
    user_key = models.CharField(
        _("clé utilisateur"), max_length=32, unique=True, default=new_user_key, editable=False
    )
    tag = models.CharField(_("tag utilisateur"), max_length=50, blank=True)
    created_by = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("créé par"),
    )

    objects = UserManager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("utilisateur")
        verbose_name_plural = _("utilisateurs")
        constraints = [
            models.UniqueConstraint(
                Lower("email"), condition=~Q(email=""), name="accounts_user_email_ci_unique"
            ),
        ]

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username


class MembershipKind(models.TextChoices):
    EMPLOYEE = "employee", _("Collaborateur")
    TECHNICAL = "technical", _("Utilisateur technique")
    ADVANCED = "advanced", _("Utilisateur avancé")
    PROVIDER = "provider", _("Prestataire")


class MembershipStatus(models.TextChoices):
    INVITED = "invited", _("Invité")
    PENDING = "pending", _("En attente d'acceptation")
    ACTIVE = "active", _("Actif")
    REFUSED = "refused", _("Refusé")
    DEACTIVATED = "deactivated", _("Désactivé")


class MembershipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(
            status=MembershipStatus.ACTIVE, user__is_active=True, company__is_active=True
        )

    def for_company(self, company):
        return self.filter(company=company)

    def admins(self):
        return self.filter(Q(can_manage_users=True) | Q(can_manage_admins=True))


class Membership(models.Model):
    """A person in a company: employee, technical, advanced user or provider."""

    user = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("utilisateur")
    )
    company = models.ForeignKey(
        Company, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("société")
    )
    kind = models.CharField(
        _("type"), max_length=16, choices=MembershipKind.choices, default=MembershipKind.EMPLOYEE
    )
    status = models.CharField(
        _("statut"),
        max_length=16,
        choices=MembershipStatus.choices,
        default=MembershipStatus.ACTIVE,
    )
    can_manage_users = models.BooleanField(_("gérer les utilisateurs"), default=False)
    can_manage_admins = models.BooleanField(_("gérer les administrateurs"), default=False)
    can_recover_password = models.BooleanField(
        _("récupération du mot de passe en libre-service"), default=False
    )
    has_ftp_access = models.BooleanField(_("accès FTP"), default=False)
    remark = models.CharField(_("remarque"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("créé par"),
    )
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)
    deactivated_at = models.DateTimeField(_("désactivé le"), null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("appartenance")
        verbose_name_plural = _("appartenances")
        constraints = [
            models.UniqueConstraint(fields=["user", "company"], name="accounts_membership_unique"),
        ]
        indexes = [models.Index(fields=["company", "status"], name="accounts_ms_company_status")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.company}"

    @property
    def is_admin(self) -> bool:
        return self.can_manage_users or self.can_manage_admins

    @property
    def is_active(self) -> bool:
        return self.status == MembershipStatus.ACTIVE


# --- Application catalog -------------------------------------------------------------------


class Application(TranslatedNameMixin):
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


class Permission(TranslatedNameMixin):
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


class AccessProfile(TranslatedNameMixin):
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


# --- Grants --------------------------------------------------------------------------------


class GrantStatus(models.TextChoices):
    ACTIVE = "active", _("Actif")
    PENDING = "pending", _("En attente")
    REVOKED = "revoked", _("Retiré")


class GrantQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=GrantStatus.ACTIVE)


class Grant(models.Model):
    """A permission held by a membership, or by a company (router/provider), narrowed by scopes.

    `granted_by` is the person who gave it; `parent` is the grant it was handed on from, so that
    withdrawing a grant can withdraw everything handed on from it.
    """

    membership = models.ForeignKey(
        Membership,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="grants",
        verbose_name=_("appartenance"),
    )
    holder_company = models.ForeignKey(
        Company,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="received_grants",
        verbose_name=_("société bénéficiaire"),
    )
    grantor_company = models.ForeignKey(
        Company,
        on_delete=models.PROTECT,
        related_name="given_grants",
        verbose_name=_("société qui accorde"),
    )
    permission = models.ForeignKey(
        Permission, on_delete=models.PROTECT, related_name="grants", verbose_name=_("droit")
    )
    accounts = models.ManyToManyField(
        CustomerAccount, blank=True, related_name="grants", verbose_name=_("comptes clients")
    )
    billing_addresses = models.ManyToManyField(
        BillingAddress,
        blank=True,
        related_name="grants",
        verbose_name=_("adresses de facturation"),
    )
    products = models.ManyToManyField(
        Product, blank=True, related_name="grants", verbose_name=_("produits")
    )
    service_types = models.ManyToManyField(
        ServiceType, blank=True, related_name="grants", verbose_name=_("types de bordereaux")
    )
    status = models.CharField(
        _("statut"), max_length=10, choices=GrantStatus.choices, default=GrantStatus.ACTIVE
    )
    granted_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accordé par"),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("transmis depuis"),
    )
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)
    revoked_at = models.DateTimeField(_("retiré le"), null=True, blank=True)

    objects = GrantQuerySet.as_manager()

    class Meta:
        verbose_name = _("attribution de droit")
        verbose_name_plural = _("attributions de droits")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(membership__isnull=False, holder_company__isnull=True)
                    | Q(membership__isnull=True, holder_company__isnull=False)
                ),
                name="accounts_grant_one_holder",
            ),
            models.UniqueConstraint(
                fields=["membership", "permission"],
                condition=Q(membership__isnull=False) & ~Q(status="revoked"),
                name="accounts_grant_membership_permission_unique",
            ),
            models.UniqueConstraint(
                fields=["holder_company", "grantor_company", "permission"],
                condition=Q(holder_company__isnull=False) & ~Q(status="revoked"),
                name="accounts_grant_company_permission_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["permission", "status"], name="accounts_grant_perm_status"),
        ]

    def __str__(self) -> str:
        holder = self.membership or self.holder_company
        return f"{self.permission} → {holder}"


# --- Audit ---------------------------------------------------------------------------------


class AuditEventQuerySet(models.QuerySet):
    def for_company(self, company):
        return self.filter(company=company)


class AuditEvent(models.Model):
    """One recorded change: who, for which company, what, before and after, when, from where."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("auteur"),
    )
    actor_repr = models.CharField(_("auteur (texte)"), max_length=200, blank=True)
    company = models.ForeignKey(
        Company,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="audit_events",
        verbose_name=_("société"),
    )
    kind = models.CharField(_("type"), max_length=64, db_index=True)
    target_type = models.CharField(_("type d'objet"), max_length=64, blank=True)
    target_id = models.CharField(_("identifiant d'objet"), max_length=64, blank=True)
    target_repr = models.CharField(_("objet"), max_length=255, blank=True)
    before = models.JSONField(_("avant"), null=True, blank=True)
    after = models.JSONField(_("après"), null=True, blank=True)
    ip_address = models.GenericIPAddressField(_("adresse IP"), null=True, blank=True)
    created_at = models.DateTimeField(_("date"), default=timezone.now, db_index=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("événement d'audit")
        verbose_name_plural = _("journal d'audit")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["company", "-created_at"], name="accounts_audit_company_time"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.kind} {self.target_repr}"
