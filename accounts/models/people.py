"""People and their memberships in companies."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .base import Civility, Language, new_user_key
from .companies import Company

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
        # The users list's sort headers (accounts/selectors/users.py USER_SORTS), read in index
        # order a page at a time (keyset pages) instead of sorting every person of the company.
        indexes = [
            models.Index(Lower("username"), name="accounts_user_sort_username"),
            models.Index(Lower("last_name"), Lower("first_name"), name="accounts_user_sort_name"),
            models.Index(Lower("email"), name="accounts_user_sort_email"),
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
        """The person side of a holding; the same as `accounts.permissions.member_counts_q`
        (tests/accounts/test_holdings.py checks that they agree)."""
        return self.filter(
            status=MembershipStatus.ACTIVE, user__is_active=True, company__is_active=True
        )

    def for_company(self, company):
        return self.filter(company=company)

    def admins(self):
        """Administrators; a provider never is one, whatever its flags (SPEC C4)."""
        return self.filter(Q(can_manage_users=True) | Q(can_manage_admins=True)).exclude(
            kind=MembershipKind.PROVIDER
        )


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
    # Per link, not per person: each company tags its parcels for the person its own way.
    tag = models.CharField(_("tag utilisateur"), max_length=50, blank=True)
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
        """Manages the company's users. A provider acting for the company never does (SPEC C4:
        never user management), even if a flag was set by hand."""
        if self.kind == MembershipKind.PROVIDER:
            return False
        return self.can_manage_users or self.can_manage_admins

    @property
    def is_active(self) -> bool:
        return self.status == MembershipStatus.ACTIVE
