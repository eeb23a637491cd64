"""The audit log."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .companies import Company

# --- Audit ---------------------------------------------------------------------------------


class AuditKind(models.TextChoices):
    """What happened. The stored values are the codes of the first rows, so old rows keep their
    meaning; the labels read as an event in the log."""

    USER_CREATED = "user.created", _("Utilisateur créé")
    USER_CHANGED = "user.changed", _("Utilisateur modifié")
    USER_DEACTIVATED = "user.deactivated", _("Utilisateur désactivé")
    USER_REACTIVATED = "user.reactivated", _("Utilisateur réactivé")
    USER_MEMBERSHIP_ADDED = "user.membership_added", _("Personne ajoutée à la société")
    USER_API_KEY_REGENERATED = (
        "user.api_key_regenerated",
        _("Clé d'API d'un utilisateur technique régénérée"),
    )
    USER_PASSWORD_CHANGED = "user.password_changed", _("Mot de passe modifié")
    USER_EMAIL_CHANGE_REQUESTED = (
        "user.email_change_requested",
        _("Changement d'adresse e-mail demandé"),
    )
    USER_EMAIL_CHANGED = "user.email_changed", _("Adresse e-mail modifiée")
    USER_PASSWORD_RECOVERY_SENT = (
        "user.password_recovery_sent",
        _("Mot de passe oublié : lien de réinitialisation envoyé"),
    )
    USER_PASSWORD_RECOVERY_REFUSED = (
        "user.password_recovery_refused",
        _("Mot de passe oublié : administrateurs indiqués"),
    )
    USER_PASSWORD_RESET = "user.password_reset", _("Mot de passe réinitialisé")
    USER_SIGNED_IN = "user.signed_in", pgettext_lazy("audit event", "Connexion")
    USER_SIGN_IN_FAILED = "user.sign_in_failed", _("Échec de connexion")
    API_KEY_ISSUED = "api_key.issued", _("Clé d'API créée")
    API_KEY_REGENERATED = "api_key.regenerated", _("Clé d'API régénérée")
    API_KEY_REVOKED = "api_key.revoked", _("Clés d'API révoquées")
    RIGHTS_CHANGED = "rights.changed", _("Droits modifiés")
    RIGHTS_HANDED_ON = "rights.handed_on", _("Droits reçus d'un client transmis")
    RIGHTS_CASCADED = "rights.cascaded", _("Droits transmis réduits ou retirés par le client")
    ADVANCED_INVITED = "advanced.invited", _("Utilisateur avancé invité")
    ADVANCED_INVITATION_RESENT = "advanced.invitation_resent", _("Invitation renvoyée")
    ADVANCED_INVITATION_WITHDRAWN = "advanced.invitation_withdrawn", _("Invitation retirée")
    ADVANCED_ACCEPTED = "advanced.accepted", _("Invitation acceptée")
    ADVANCED_ASSOCIATED = "advanced.associated", _("Utilisateur avancé associé")
    ADVANCED_UNLINKED = "advanced.unlinked", _("Utilisateur avancé dissocié")
    COMPANY_SELECTED = "company.selected", _("Société choisie")
    ROUTER_RIGHTS_OFFERED = "router.rights_offered", _("Droits proposés à un routeur")
    ROUTER_RIGHTS_ACCEPTED = "router.rights_accepted", _("Droits acceptés par le routeur")
    ROUTER_RIGHTS_REFUSED = "router.rights_refused", _("Droits refusés par le routeur")
    ROUTER_RIGHTS_WITHDRAWN = "router.rights_withdrawn", _("Droits du routeur retirés")
    ROUTER_RIGHTS_GIVEN_UP = "router.rights_given_up", _("Droits abandonnés par le routeur")
    ROUTER_RIGHTS_ENDED = "router.rights_ended", _("Droits du routeur arrivés à échéance")
    IMPORT_FINISHED = "import.finished", _("Import de fichier terminé")
    IMPORT_PERSON_CREATED = "import.person_created", _("Personne créée par import")
    IMPORT_PERSON_CHANGED = "import.person_changed", _("Personne modifiée par import")
    PROVIDER_OFFERED = "provider.offered", _("Accès prestataire proposé")
    PROVIDER_ACCEPTED = "provider.accepted", _("Accès prestataire accepté")
    PROVIDER_REFUSED = "provider.refused", _("Accès prestataire refusé")
    PROVIDER_WITHDRAWN = "provider.withdrawn", _("Accès prestataire retiré")
    PROVIDER_GIVEN_UP = "provider.given_up", _("Accès prestataire abandonné")
    PROVIDER_EXPIRED = "provider.expired", _("Accès prestataire expiré sans réponse")
    PROVIDER_END_CHANGED = "provider.end_changed", _("Date de fin d'un accès prestataire modifiée")
    PROVIDER_ENDED = "provider.ended", _("Accès prestataire arrivé à sa date de fin")
    PROVIDER_RIGHTS_CHANGED = "provider.rights_changed", _("Droits d'un prestataire modifiés")
    PROVIDER_REQUESTED = "provider.requested", _("Accès prestataire demandé par un prestataire")
    PROVIDER_REQUEST_DECLINED = (
        "provider.request_declined",
        _("Demande d'accès prestataire déclinée"),
    )
    ESECURE_ACCOUNT_ENABLED = "esecure.account_enabled", _("Numéro de compte mis sous eSecure")
    ESECURE_ACCOUNT_ACTIVATED = "esecure.account_activated", _("Protection eSecure activée")
    ESECURE_ACCOUNT_DEACTIVATED = (
        "esecure.account_deactivated",
        _("Protection eSecure désactivée"),
    )
    ESECURE_ACCOUNT_UPDATED = "esecure.account_updated", _("Protection eSecure modifiée")
    ESECURE_ADMIN_ADDED = "esecure.admin_added", _("Administrateur client eSecure ajouté")
    ESECURE_ADMIN_ACTIVATED = "esecure.admin_activated", _("Administrateur client eSecure activé")
    ESECURE_ADMIN_DEACTIVATED = (
        "esecure.admin_deactivated",
        _("Administrateur client eSecure désactivé"),
    )
    ESECURE_ADMIN_INVITED = "esecure.admin_invited", _("Administrateur client eSecure invité")
    ESECURE_ADMIN_INVITATION_RESENT = (
        "esecure.admin_invitation_resent",
        _("Invitation d'administrateur client eSecure renvoyée"),
    )
    ESECURE_ADMIN_INVITATION_WITHDRAWN = (
        "esecure.admin_invitation_withdrawn",
        _("Invitation d'administrateur client eSecure retirée"),
    )
    ESECURE_ADMIN_INVITATION_ACCEPTED = (
        "esecure.admin_invitation_accepted",
        _("Invitation d'administrateur client eSecure acceptée"),
    )
    ESECURE_ADMIN_INVITATION_REFUSED = (
        "esecure.admin_invitation_refused",
        _("Invitation d'administrateur client eSecure refusée"),
    )
    ESECURE_SENDER_ADDED = "esecure.sender_added", _("Utilisateur autorisé ajouté")
    ESECURE_SENDER_APPROVED = "esecure.sender_approved", _("Utilisateur autorisé approuvé")
    ESECURE_SENDER_REJECTED = "esecure.sender_rejected", _("Utilisateur autorisé rejeté")
    ESECURE_SENDERS_UPLOADED = (
        "esecure.senders_uploaded",
        _("Utilisateurs autorisés téléversés"),
    )
    ESECURE_DOMAIN_ADDED = "esecure.domain_added", _("Domaine autorisé ajouté")
    ESECURE_DOMAIN_ACTIVATED = "esecure.domain_activated", _("Domaine autorisé activé")
    ESECURE_DOMAIN_DEACTIVATED = "esecure.domain_deactivated", _("Domaine autorisé désactivé")
    ESECURE_REQUEST_CREATED = "esecure.request_created", _("Demande eSecure reçue")
    ESECURE_REQUEST_APPROVED = "esecure.request_approved", _("Demande eSecure approuvée")
    ESECURE_REQUEST_REJECTED = "esecure.request_rejected", _("Demande eSecure rejetée")
    ESECURE_REQUEST_EXPIRED = "esecure.request_expired", _("Demande eSecure expirée")

    @property
    def family(self) -> str:
        """The part before the dot (user, rights, esecure, …): the log filters by family."""
        return self.value.split(".", 1)[0]


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
    kind = models.CharField(_("type"), max_length=64, choices=AuditKind.choices, db_index=True)
    target_type = models.CharField(_("type d'objet"), max_length=64, blank=True)
    target_id = models.CharField(_("identifiant d'objet"), max_length=64, blank=True)
    target_repr = models.CharField(
        pgettext_lazy("audit target", "objet"), max_length=255, blank=True
    )
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
            # The log filtered by one kind, newest first (keyset pages); the author search
            # ("contains") has a trigram index, PostgreSQL only: migration 0016.
            models.Index(
                fields=["company", "kind", "-created_at"], name="accounts_audit_company_kind"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.get_kind_display()} {self.target_repr}"
