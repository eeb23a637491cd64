"""Grants: a permission held by a membership or a company, narrowed by scopes."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .catalog import Permission, Product, ServiceType
from .companies import BillingAddress, Company, CustomerAccount
from .people import Membership, User

# --- Grants --------------------------------------------------------------------------------


class GrantStatus(models.TextChoices):
    ACTIVE = "active", _("Actif")
    PENDING = "pending", _("En attente")
    REVOKED = "revoked", _("Retiré")


# Not withdrawn: offered and waiting for acceptance, or accepted.
OPEN_GRANT_STATUSES = (GrantStatus.PENDING, GrantStatus.ACTIVE)


class GrantQuerySet(models.QuerySet):
    def active(self):
        """Recorded as active (for editing and listing). Whether a grant *counts* for its holder
        is decided by `accounts.permissions.holdings`, which also looks at the person, the
        company, the account, the catalog, the end date and the parent grant."""
        return self.filter(status=GrantStatus.ACTIVE)

    def direct(self):
        """Given by the member's own company (not handed on from a grant a router received)."""
        return self.filter(parent__isnull=True)

    def received(self):
        """Held by a company (a router), from a customer."""
        return self.filter(holder_company__isnull=False)


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
    ends_at = models.DateTimeField(
        _("prend fin le"),
        null=True,
        blank=True,
        help_text=_("Vide : sans fin. Passée cette date, le droit ne compte plus."),
    )
    end_reminded_at = models.DateTimeField(_("fin rappelée le"), null=True, blank=True)

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
                condition=Q(membership__isnull=False, parent__isnull=True) & ~Q(status="revoked"),
                name="accounts_grant_membership_permission_unique",
            ),
            # A router's user may receive the same permission handed on from several customers.
            models.UniqueConstraint(
                fields=["membership", "permission", "parent"],
                condition=Q(membership__isnull=False, parent__isnull=False) & ~Q(status="revoked"),
                name="accounts_grant_handed_on_unique",
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
