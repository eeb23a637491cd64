"""The e-mail outbox and the portal messages inbox."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .inbox import WORDS, message_words


class EmailStatus(models.TextChoices):
    QUEUED = "queued", _("En file d'attente")
    SENDING = "sending", _("En cours d'envoi")
    SENT = "sent", _("Envoyé")
    FAILED = "failed", _("Échec")


class OutboundEmailQuerySet(models.QuerySet):
    def retryable(self):
        return self.filter(status__in=[EmailStatus.QUEUED, EmailStatus.FAILED])


class OutboundEmail(models.Model):
    """One e-mail to one recipient, rendered at queue time in the recipient's language."""

    # Read by the worker only; every page and the admin leave them out.
    SECRET_FIELDS = ("secret_text", "secret_html")

    recipient = models.EmailField(_("destinataire"), db_index=True)
    # The person's id, not a foreign key: notifications sit below accounts in the layers and
    # keep no link to an upper app's table (people are never deleted, so the id stays true).
    user_id = models.BigIntegerField(_("utilisateur (identifiant)"), null=True, blank=True)
    kind = models.CharField(_("type"), max_length=64, db_index=True)
    language = models.CharField(_("langue"), max_length=2, default="fr")
    subject = models.CharField(pgettext_lazy("email subject", "objet"), max_length=255)
    body_text = models.TextField(_("texte"))
    body_html = models.TextField(_("HTML"), blank=True)
    # The bodies above are what support staff read: a link that carries a key shows a marker.
    # When there was one, the e-mail as sent, with its working links, waits here for the worker
    # alone: never shown (not editable, left out of the admin, deferred by the outbox pages) and
    # emptied once sent.
    secret_text = models.TextField(blank=True, editable=False)
    secret_html = models.TextField(blank=True, editable=False)
    status = models.CharField(
        _("statut"), max_length=10, choices=EmailStatus.choices, default=EmailStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("tentatives"), default=0)
    last_error = models.TextField(_("dernière erreur"), blank=True)
    provider_message_id = models.CharField(_("identifiant fournisseur"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)
    # When a worker last claimed the row for sending: a claim older than EMAIL_STALE_SECONDS
    # is taken as lost (worker killed) and the e-mail is sent again.
    claimed_at = models.DateTimeField(_("envoi commencé le"), null=True, blank=True)

    objects = OutboundEmailQuerySet.as_manager()

    class Meta:
        verbose_name = _("e-mail envoyé")
        verbose_name_plural = _("boîte d'envoi")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient}"


class MessageQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(user_id=user.pk)

    def unread(self):
        return self.filter(read_at__isnull=True)


class Message(models.Model):
    """A portal message: something that needs the user's attention or action.

    Stored as its kind and JSON parameters and worded when read (`inbox`), in the reader's
    language. Messages stored before parameters existed have none and keep the text they were
    rendered with (`stored_subject`, `stored_body`); new ones also keep it, in French, for
    search and as a last resort. `topic` names what the message announces (e.g.
    `esecure.request:42`): once that is settled, every recipient's message is closed.

    The recipient and the company are ids (and the company's name as it was when sent), not
    foreign keys: notifications sit below accounts in the layers."""

    user_id = models.BigIntegerField(_("destinataire (identifiant)"))
    company_id = models.BigIntegerField(_("société concernée (identifiant)"), null=True, blank=True)
    company_name = models.CharField(_("société concernée"), max_length=200, blank=True)
    kind = models.CharField(_("type"), max_length=64)
    params = models.JSONField(_("paramètres"), null=True, blank=True)
    stored_subject = models.CharField(
        pgettext_lazy("email subject", "objet (texte enregistré)"), max_length=255, blank=True
    )
    stored_body = models.TextField(_("message (texte enregistré)"), blank=True)
    action_url = models.CharField(_("lien d'action"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("reçu le"), default=timezone.now)
    read_at = models.DateTimeField(_("lu le"), null=True, blank=True)
    topic = models.CharField(_("sujet annoncé"), max_length=100, blank=True, db_index=True)
    settled_at = models.DateTimeField(_("réglé le"), null=True, blank=True)

    objects = MessageQuerySet.as_manager()

    class Meta:
        verbose_name = _("message du portail")
        verbose_name_plural = _("messages du portail")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user_id", "read_at"], name="notifications_msg_user_read")]

    def __str__(self) -> str:
        return self.subject

    def _words(self) -> tuple[str, str]:
        if self.params is not None and self.kind in WORDS:
            try:
                return message_words(self.kind, self.params)
            except (KeyError, TypeError, ValueError):
                pass  # parameters of an older shape: the stored text still reads
        return self.stored_subject, self.stored_body

    @property
    def subject(self) -> str:
        """The subject in the active language (the stored text for older messages)."""
        return self._words()[0]

    @property
    def body(self) -> str:
        return self._words()[1]
