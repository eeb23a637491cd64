"""Provider access (Swiss Post): a company (the mandant) offers rights on its accounts to a
person of another company, who accepts or refuses; either side ends it later."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Company, Membership, User
from common.links import SingleUseLink, SingleUseLinkQuerySet


class ProviderAccessStatus(models.TextChoices):
    PENDING = "pending", _("En attente d'acceptation")
    ACTIVE = "active", _("Actif")
    REFUSED = "refused", _("Refusé")
    WITHDRAWN = "withdrawn", _("Retiré")
    GIVEN_UP = "given_up", _("Abandonné par le prestataire")
    ENDED = "ended", _("Terminé")
    EXPIRED = "expired", _("Expiré sans réponse")


class ProviderAccessQuerySet(SingleUseLinkQuerySet):
    def for_company(self, company):
        return self.filter(company=company)

    def pending(self):
        return self.filter(status=ProviderAccessStatus.PENDING)

    def for_person(self, user: User):
        """What a person received: accepted by them, or still waiting for their address."""
        received = Q(user=user)
        if user.email:
            received |= Q(status=ProviderAccessStatus.PENDING, email=user.email.lower())
        return self.filter(received)


class ProviderAccess(SingleUseLink):
    """One offer of provider access, from its e-mail to its end.

    The offer is itself the single-use link sent to the address (only the key's digest is
    stored): accepting or refusing claims it, so a double POST acts once, whether it comes from
    the e-mailed link or from the provider's own page. While pending, the rights asked for are
    kept here (permission id → scope); once accepted they are grants of `membership`, the
    provider's membership of kind "provider" in the mandant.
    """

    company = models.ForeignKey(
        Company,
        on_delete=models.PROTECT,
        related_name="provider_accesses",
        verbose_name=_("mandant"),
    )
    email = models.EmailField(_("adresse e-mail du prestataire"))
    remark = models.CharField(_("remarque"), max_length=255, blank=True)
    requested_rights = models.JSONField(
        _("droits proposés"),
        default=dict,
        blank=True,
        help_text=_("Identifiant du droit → comptes, adresses, produits, types de bordereaux."),
    )
    status = models.CharField(
        _("statut"),
        max_length=16,
        choices=ProviderAccessStatus.choices,
        default=ProviderAccessStatus.PENDING,
    )
    created_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("proposé par"),
    )
    decided_at = models.DateTimeField(_("répondu le"), null=True, blank=True)
    ended_at = models.DateTimeField(_("terminé le"), null=True, blank=True)
    ends_at = models.DateTimeField(
        _("prend fin le"), null=True, blank=True, help_text=_("Vide : sans fin.")
    )
    end_reminded_at = models.DateTimeField(
        _("fin rappelée le"),
        null=True,
        blank=True,
        help_text=_("Le rappel part une fois, 14 jours avant la fin ; vidé quand la date change."),
    )
    user = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="provider_accesses",
        verbose_name=_("prestataire"),
    )
    membership = models.ForeignKey(
        Membership,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="provider_accesses",
        verbose_name=_("appartenance de prestataire"),
    )

    objects = ProviderAccessQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("accès prestataire")
        verbose_name_plural = _("accès prestataires")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "email"],
                condition=Q(status="pending"),
                name="delegation_provider_access_one_pending",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "expires_at"], name="delegation_pa_status_expiry"),
            models.Index(fields=["email", "status"], name="delegation_pa_email_status"),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.company}"


class ProviderRequestStatus(models.TextChoices):
    PENDING = "pending", _("À traiter")
    GRANTED = "granted", _("Accès proposé")
    DECLINED = "declined", _("Déclinée")


class ProviderAccessRequest(models.Model):
    """A person of another company asks a company for provider access, naming one of its
    customer account numbers. Stored only when the number belongs to an active company, which
    the requester is never told; the company's administrators answer by offering provider access
    (the usual offer, to the requester's address) or by declining."""

    company = models.ForeignKey(
        Company,
        on_delete=models.PROTECT,
        related_name="provider_access_requests",
        verbose_name=_("société sollicitée"),
    )
    requester = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("demandeur")
    )
    email = models.EmailField(_("adresse e-mail du demandeur"))
    account_number = models.CharField(_("numéro de compte client indiqué"), max_length=32)
    message = models.TextField(_("message"), max_length=1000, blank=True)
    status = models.CharField(
        _("statut"),
        max_length=16,
        choices=ProviderRequestStatus.choices,
        default=ProviderRequestStatus.PENDING,
    )
    created_at = models.DateTimeField(_("demandé le"), default=timezone.now)
    decided_at = models.DateTimeField(_("traité le"), null=True, blank=True)
    decided_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("traité par"),
    )
    access = models.ForeignKey(
        ProviderAccess,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="requests",
        verbose_name=_("accès proposé en réponse"),
    )

    class Meta:
        verbose_name = _("demande d'accès prestataire")
        verbose_name_plural = _("demandes d'accès prestataire")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "requester"],
                condition=Q(status="pending"),
                name="delegation_provider_request_one_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.company}"
