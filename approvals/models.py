"""eSecure: protected accounts, customer admins, authorized senders and domains, access requests
and their e-mailed decision links, usage history."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.links import SingleUseLink, SingleUseLinkQuerySet


class Origin(models.TextChoices):
    SUPPORT = "support", _("Service clients")
    HISTORY = "history", _("Historique")
    MANUAL = "manual", _("Manuel")
    UPLOAD = "upload", _("Téléversement")
    REQUEST = "request", _("Demande")


class ProtectedAccountQuerySet(models.QuerySet):
    def for_company(self, company):
        return self.filter(account__company=company)


class ProtectedAccount(models.Model):
    """A customer account under eSecure. Protection applies while active and within its dates."""

    account = models.OneToOneField(
        "accounts.CustomerAccount",
        on_delete=models.PROTECT,
        related_name="protection",
        verbose_name=_("numéro de compte"),
    )
    is_active = models.BooleanField(_("protection active"), default=False)
    starts_on = models.DateField(_("date de début"), null=True, blank=True)
    ends_on = models.DateField(_("date de fin"), null=True, blank=True)
    show_admin_contacts = models.BooleanField(
        _("consentement : afficher les contacts des administrateurs"),
        default=False,
        help_text=_("Les demandeurs voient alors nom, e-mail et téléphone des administrateurs."),
    )
    origin = models.CharField(
        _("origine"), max_length=10, choices=Origin.choices, default=Origin.SUPPORT
    )
    history_listed_at = models.DateTimeField(
        _("historique repris le"), null=True, blank=True, editable=False
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assigné par"),
    )
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    modified_at = models.DateTimeField(_("modifié le"), auto_now=True)

    objects = ProtectedAccountQuerySet.as_manager()

    class Meta:
        verbose_name = _("compte protégé (eSecure)")
        verbose_name_plural = _("comptes protégés (eSecure)")
        ordering = ["account__number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True)
                | Q(ends_on__isnull=True)
                | Q(ends_on__gte=models.F("starts_on")),
                name="approvals_protectedaccount_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return str(self.account.number)

    def protects_on(self, day) -> bool:
        """Is protection in force on this day?"""
        return (
            self.is_active
            and (self.starts_on is None or self.starts_on <= day)
            and (self.ends_on is None or day <= self.ends_on)
        )


class Status(models.TextChoices):
    ACTIVE = "active", _("Actif")
    INACTIVE = "inactive", _("Inactif")


class CustomerAdmin(models.Model):
    """A person who decides who may ship on a protected account."""

    protected_account = models.ForeignKey(
        ProtectedAccount,
        on_delete=models.CASCADE,
        related_name="admins",
        verbose_name=_("compte protégé"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="esecure_admin_roles",
        verbose_name=_("utilisateur"),
    )
    status = models.CharField(
        _("statut"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    origin = models.CharField(
        _("origine"), max_length=10, choices=Origin.choices, default=Origin.MANUAL
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assigné par"),
    )
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    modified_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("administrateur client (eSecure)")
        verbose_name_plural = _("administrateurs clients (eSecure)")
        constraints = [
            models.UniqueConstraint(
                fields=["protected_account", "user"], name="approvals_customeradmin_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.protected_account}"


class AdminInvitationStatus(models.TextChoices):
    PENDING = "pending", _("En attente")
    ACCEPTED = "accepted", _("Acceptée")
    REFUSED = "refused", _("Refusée")
    WITHDRAWN = "withdrawn", _("Retirée")


class AdminInvitationQuerySet(SingleUseLinkQuerySet):
    def pending(self):
        return self.filter(status=AdminInvitationStatus.PENDING)

    def for_email(self, email: str):
        return self.filter(email=email.strip().lower())


class AdminInvitation(SingleUseLink):
    """An invitation to become customer admin of a protected account, sent to an e-mail address.

    Whoever owns the address, the inviting admin sees only this row: the address and the names
    they typed, and its state. The person becomes a member of the company and customer admin only
    when they accept, signed in with the login of that address; the link (this row's key digest)
    acts once. A resend gives the row a new key and validity."""

    protected_account = models.ForeignKey(
        ProtectedAccount,
        on_delete=models.CASCADE,
        related_name="admin_invitations",
        verbose_name=_("compte protégé"),
    )
    email = models.EmailField(_("adresse e-mail invitée"))
    first_name = models.CharField(_("prénom indiqué"), max_length=150, blank=True)
    last_name = models.CharField(_("nom indiqué"), max_length=150, blank=True)
    language = models.CharField(_("langue"), max_length=2, default="fr")
    status = models.CharField(
        _("statut"),
        max_length=10,
        choices=AdminInvitationStatus.choices,
        default=AdminInvitationStatus.PENDING,
    )
    origin = models.CharField(
        _("origine"), max_length=10, choices=Origin.choices, default=Origin.MANUAL
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invité par"),
    )
    sent_at = models.DateTimeField(_("envoyée le"), default=timezone.now)
    answered_at = models.DateTimeField(_("répondu le"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("répondu par"),
    )

    objects = AdminInvitationQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("invitation d'administrateur client (eSecure)")
        verbose_name_plural = _("invitations d'administrateurs clients (eSecure)")
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["protected_account", "email"],
                condition=Q(status="pending"),
                name="approvals_admin_invitation_one_pending",
            ),
            models.CheckConstraint(
                condition=Q(email=Lower("email")), name="approvals_admin_invitation_email_lower"
            ),
        ]
        indexes = [models.Index(fields=["email", "status"], name="approvals_adminv_email_status")]

    def __str__(self) -> str:
        return f"{self.email} → {self.protected_account}"

    @property
    def state(self) -> str:
        """What the inviter reads: the stored status, or « expired » for a pending one past its
        validity (expiry is a matter of time, not an event)."""
        if self.status == AdminInvitationStatus.PENDING and self.expires_at <= timezone.now():
            return "expired"
        return self.status

    @property
    def state_label(self) -> str:
        if self.state == "expired":
            return str(_("Expirée"))
        return self.get_status_display()


class SenderStatus(models.TextChoices):
    PENDING = "pending", _("En attente")
    APPROVED = "approved", _("Approuvé")
    REJECTED = "rejected", _("Rejeté")


class AuthorizedSender(models.Model):
    """An e-mail address and its standing on a protected account (« utilisateur autorisé »).

    E-mails are stored lower-cased: comparisons are case-insensitive.
    """

    protected_account = models.ForeignKey(
        ProtectedAccount,
        on_delete=models.CASCADE,
        related_name="senders",
        verbose_name=_("compte protégé"),
    )
    email = models.EmailField(_("e-mail"))
    name = models.CharField(_("nom"), max_length=200, blank=True)
    status = models.CharField(
        _("statut"), max_length=10, choices=SenderStatus.choices, default=SenderStatus.PENDING
    )
    origin = models.CharField(_("origine"), max_length=10, choices=Origin.choices)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assigné par"),
    )
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    modified_at = models.DateTimeField(_("modifié le"), default=timezone.now)

    class Meta:
        verbose_name = _("utilisateur autorisé")
        verbose_name_plural = _("utilisateurs autorisés")
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(
                fields=["protected_account", "email"], name="approvals_sender_account_email_unique"
            ),
            models.CheckConstraint(
                condition=Q(email=Lower("email")), name="approvals_sender_email_lowercase"
            ),
        ]
        indexes = [
            models.Index(fields=["protected_account", "status"], name="approvals_sender_status"),
            # The authorized-users tab reads its pages in the order of its sort headers, from
            # an index whatever the number of accounts in scope (keyset pages, no OFFSET).
            # The e-mail search ("contains") has a trigram index, PostgreSQL only: migration
            # 0004.
            models.Index(fields=["email"], name="approvals_sender_by_email"),
            models.Index(fields=["status", "email"], name="approvals_sender_by_status"),
            models.Index(fields=["origin", "email"], name="approvals_sender_by_origin"),
            models.Index(fields=["modified_at", "email"], name="approvals_sender_by_modified"),
        ]

    def __str__(self) -> str:
        return f"{self.email} · {self.protected_account}"


class AuthorizedDomain(models.Model):
    """Every sender whose e-mail ends with @domain is allowed while the domain is active."""

    protected_account = models.ForeignKey(
        ProtectedAccount,
        on_delete=models.CASCADE,
        related_name="domains",
        verbose_name=_("compte protégé"),
    )
    domain = models.CharField(_("nom de domaine"), max_length=253)
    status = models.CharField(
        _("statut"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    origin = models.CharField(
        _("origine"), max_length=10, choices=Origin.choices, default=Origin.MANUAL
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assigné par"),
    )
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    modified_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("domaine autorisé")
        verbose_name_plural = _("domaines autorisés")
        ordering = ["domain"]
        constraints = [
            models.UniqueConstraint(
                fields=["protected_account", "domain"], name="approvals_domain_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.domain} · {self.protected_account}"


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("En attente")
    APPROVED = "approved", _("Approuvée")
    REJECTED = "rejected", _("Rejetée")
    EXPIRED = "expired", _("Expirée")


class AccessRequest(models.Model):
    """An unknown sender tried to ship on a protected account; its administrators decide."""

    protected_account = models.ForeignKey(
        ProtectedAccount,
        on_delete=models.CASCADE,
        related_name="requests",
        verbose_name=_("compte protégé"),
    )
    email = models.EmailField(_("e-mail du demandeur"))
    name = models.CharField(_("nom du demandeur"), max_length=200, blank=True)
    language = models.CharField(_("langue"), max_length=2, default="fr")
    status = models.CharField(
        _("statut"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.PENDING
    )
    created_at = models.DateTimeField(_("demandée le"), default=timezone.now)
    expires_at = models.DateTimeField(_("expire le"))
    # Set by the task that makes the request's links, e-mails and inbox messages (once).
    notified_at = models.DateTimeField(_("notifiée le"), null=True, blank=True, editable=False)
    decided_at = models.DateTimeField(_("décidée le"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("décidée par"),
    )

    class Meta:
        verbose_name = _("demande d'accès")
        verbose_name_plural = _("demandes d'accès")
        ordering = ["-created_at"]
        constraints = [
            # One pending request per (account, e-mail): concurrent first checks create one.
            models.UniqueConstraint(
                fields=["protected_account", "email"],
                condition=Q(status="pending"),
                name="approvals_request_one_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.protected_account} ({self.status})"


class DecisionLinkAction(models.TextChoices):
    APPROVE = "approve", _("Approuver")
    REJECT = "reject", _("Rejeter")


class DecisionLink(SingleUseLink):
    """One e-mailed link per administrator, request and action: random, hashed, single-use."""

    request = models.ForeignKey(
        AccessRequest, on_delete=models.CASCADE, related_name="links", verbose_name=_("demande")
    )
    admin = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("administrateur"),
    )
    action = models.CharField(_("action"), max_length=10, choices=DecisionLinkAction.choices)

    class Meta:
        verbose_name = _("lien de décision")
        verbose_name_plural = _("liens de décision")

    def __str__(self) -> str:
        return f"{self.action} · {self.request}"


class UsageRecord(models.Model):
    """Which e-mail used which account when (filled by the sender check)."""

    account = models.ForeignKey(
        "accounts.CustomerAccount",
        on_delete=models.CASCADE,
        related_name="usage_records",
        verbose_name=_("compte"),
    )
    email = models.EmailField(_("e-mail"))
    used_on = models.DateField(_("date"), default=timezone.localdate)

    class Meta:
        verbose_name = _("utilisation d'un compte")
        verbose_name_plural = _("historique d'utilisation")
        constraints = [
            models.UniqueConstraint(
                fields=["account", "email", "used_on"], name="approvals_usage_once_a_day"
            ),
        ]
        indexes = [models.Index(fields=["account", "used_on"], name="approvals_usage_account_day")]

    def __str__(self) -> str:
        return f"{self.email} · {self.account} · {self.used_on}"
