"""Secrets given to people: API keys, advanced-user invitations and e-mail change links. Only
hashes are stored."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.links import SingleUseLink, SingleUseLinkQuerySet

from .people import Membership, User


class ApiKeyQuerySet(models.QuerySet):
    def usable(self, *, now=None):
        """Not revoked and not past the grace period of a regenerated key."""
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=now)
        )


class ApiKey(models.Model):
    """A web-service key (« clé de connexion WS »): replaces login and password for the API.

    The key is shown once; we keep its first characters to find it and a SHA-256 of the whole
    (keys are 256-bit random, so a fast hash is safe). A regenerated key keeps working until
    `expires_at` so that integrations can switch.
    """

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="api_keys", verbose_name=_("utilisateur")
    )
    prefix = models.CharField(_("préfixe"), max_length=16, db_index=True)
    key_hash = models.CharField(_("empreinte"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("créée le"), default=timezone.now)
    created_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("créée par"),
    )
    last_used_at = models.DateTimeField(_("dernière utilisation"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expire le"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("révoquée le"), null=True, blank=True)

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        verbose_name = _("clé d'API")
        verbose_name_plural = _("clés d'API")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"


class InvitationQuerySet(SingleUseLinkQuerySet):
    def open(self, *, now=None):
        """Neither used, expired nor withdrawn."""
        return super().open(now=now).filter(withdrawn_at__isnull=True)


class Invitation(SingleUseLink):
    """An advanced-user invitation: a single-use link, valid 48 hours, to finish the account."""

    membership = models.ForeignKey(
        Membership,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("appartenance"),
    )
    created_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invité par"),
    )
    withdrawn_at = models.DateTimeField(_("retirée le"), null=True, blank=True)

    objects = InvitationQuerySet.as_manager()  # type: ignore[misc]  # adds withdrawn to open()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.membership} ({self.created_at:%Y-%m-%d})"


class EmailChange(SingleUseLink):
    """A person's request to use a new e-mail address: the single-use link sent to that address.
    The address changes only when the link is confirmed; a newer request closes the older ones."""

    user = models.ForeignKey(
        User,
        on_delete=models.CASCADE,
        related_name="email_changes",
        verbose_name=_("personne"),
    )
    new_email = models.EmailField(_("nouvelle adresse e-mail"), max_length=254)

    class Meta:
        verbose_name = _("changement d'adresse e-mail")
        verbose_name_plural = _("changements d'adresse e-mail")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user} → {self.new_email}"
