"""Sentences of the eSecure events: protected accounts, customer admins, senders, domains,
requests. The account number comes from the payload, else from the target written then."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..models import AuditKind
from .core import Context
from .values import VIA_WORDS


def _say(message: str):
    return lambda c: c.say(message, email=c.email(), number=c.account())


def _domain(message: str):
    return lambda c: c.say(
        message, domain=c.after.get("domain") or c.target_head(), number=c.account()
    )


def _decided(message: str):
    def build(c: Context) -> str:
        sentence = c.say(message, email=c.email(), number=c.account())
        via = c.after.get("via")
        if via in VIA_WORDS:
            sentence += " " + _("(par %(via)s)") % {"via": VIA_WORDS[via]}
        return sentence

    return build


def _uploaded(c: Context) -> str:
    added, updated = c.after.get("added") or [], c.after.get("updated") or []
    return c.say(
        ngettext(
            "%(actor)s a téléversé une liste pour le compte %(number)s : %(added)d adresse "
            "ajoutée, %(updated)d mise à jour",
            "%(actor)s a téléversé une liste pour le compte %(number)s : %(added)d adresses "
            "ajoutées, %(updated)d mises à jour",
            len(added),
        ),
        number=c.account(),
        added=len(added),
        updated=len(updated),
    )


def sentences() -> dict:
    return {
        AuditKind.ESECURE_ACCOUNT_ENABLED: _say(
            _("%(actor)s a mis le compte %(number)s sous eSecure")
        ),
        AuditKind.ESECURE_ACCOUNT_ACTIVATED: _say(
            _("%(actor)s a activé la protection eSecure du compte %(number)s")
        ),
        AuditKind.ESECURE_ACCOUNT_DEACTIVATED: _say(
            _("%(actor)s a désactivé la protection eSecure du compte %(number)s")
        ),
        AuditKind.ESECURE_ACCOUNT_UPDATED: _say(
            _("%(actor)s a modifié la protection eSecure du compte %(number)s")
        ),
        AuditKind.ESECURE_ADMIN_ADDED: _say(
            _("%(actor)s a ajouté %(email)s aux administrateurs eSecure du compte %(number)s")
        ),
        AuditKind.ESECURE_ADMIN_ACTIVATED: _say(
            _("%(actor)s a activé l'administrateur eSecure %(email)s du compte %(number)s")
        ),
        AuditKind.ESECURE_ADMIN_DEACTIVATED: _say(
            _("%(actor)s a désactivé l'administrateur eSecure %(email)s du compte %(number)s")
        ),
        AuditKind.ESECURE_ADMIN_INVITED: _say(
            _("%(actor)s a invité %(email)s à devenir administrateur eSecure du compte %(number)s")
        ),
        AuditKind.ESECURE_ADMIN_INVITATION_RESENT: _say(
            _("%(actor)s a renvoyé à %(email)s l'invitation pour le compte %(number)s")
        ),
        AuditKind.ESECURE_ADMIN_INVITATION_WITHDRAWN: _say(
            _("%(actor)s a retiré l'invitation de %(email)s pour le compte %(number)s")
        ),
        AuditKind.ESECURE_ADMIN_INVITATION_ACCEPTED: _say(
            _("Invitation d'administrateur eSecure du compte %(number)s acceptée par %(actor)s")
        ),
        AuditKind.ESECURE_ADMIN_INVITATION_REFUSED: _say(
            _("Invitation d'administrateur eSecure du compte %(number)s refusée par %(email)s")
        ),
        AuditKind.ESECURE_SENDER_ADDED: _say(
            _("%(actor)s a ajouté %(email)s aux utilisateurs autorisés du compte %(number)s")
        ),
        AuditKind.ESECURE_SENDER_APPROVED: _say(
            _("%(actor)s a approuvé l'utilisateur autorisé %(email)s du compte %(number)s")
        ),
        AuditKind.ESECURE_SENDER_REJECTED: _say(
            _("%(actor)s a rejeté l'utilisateur autorisé %(email)s du compte %(number)s")
        ),
        AuditKind.ESECURE_SENDERS_UPLOADED: _uploaded,
        AuditKind.ESECURE_DOMAIN_ADDED: _domain(
            _("%(actor)s a autorisé le domaine %(domain)s pour le compte %(number)s")
        ),
        AuditKind.ESECURE_DOMAIN_ACTIVATED: _domain(
            _("%(actor)s a activé le domaine autorisé %(domain)s du compte %(number)s")
        ),
        AuditKind.ESECURE_DOMAIN_DEACTIVATED: _domain(
            _("%(actor)s a désactivé le domaine autorisé %(domain)s du compte %(number)s")
        ),
        AuditKind.ESECURE_REQUEST_CREATED: _say(
            _("Demande de %(email)s reçue pour le compte %(number)s")
        ),
        AuditKind.ESECURE_REQUEST_APPROVED: _decided(
            _("%(actor)s a approuvé la demande de %(email)s pour le compte %(number)s")
        ),
        AuditKind.ESECURE_REQUEST_REJECTED: _decided(
            _("%(actor)s a rejeté la demande de %(email)s pour le compte %(number)s")
        ),
        AuditKind.ESECURE_REQUEST_EXPIRED: _say(
            _("La demande de %(email)s pour le compte %(number)s a expiré")
        ),
    }
