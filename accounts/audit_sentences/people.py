"""Sentences of the people's events: users, API keys, advanced users, company choice, imports."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..models import AuditKind
from .core import Context
from .values import moment


def _created(c: Context) -> str:
    return c.say(_("%(actor)s a créé le compte de %(person)s"))


def _changed(c: Context) -> str:
    return c.say(_("%(actor)s a modifié les informations de %(person)s"))


def _key_regenerated(c: Context) -> str:
    previous = c.after.get("previous_valid_until")
    if previous:
        return c.say(
            _(
                "%(actor)s a régénéré la clé d'API de %(person)s ; "
                "l'ancienne reste valable jusqu'au %(until)s"
            ),
            until=moment(str(previous)),
        )
    return c.say(_("%(actor)s a régénéré la clé d'API de %(person)s"))


def _keys_revoked(c: Context) -> str:
    count = c.after.get("revoked")
    if isinstance(count, int):
        return c.say(
            ngettext(
                "%(actor)s a révoqué %(count)d clé d'API de %(person)s",
                "%(actor)s a révoqué %(count)d clés d'API de %(person)s",
                count,
            ),
            count=count,
        )
    return c.say(_("%(actor)s a révoqué les clés d'API de %(person)s"))


def _company_selected(c: Context) -> str:
    target = c.event.target_id
    membership = c.names.memberships.get(int(target)) if target.isdigit() else None
    company = membership.company.name if membership is not None else c.event.target_repr
    if not company:
        raise ValueError("no company to name")
    return c.say(_("%(actor)s a choisi d'agir pour %(company)s"), company=company)


def _import_finished(c: Context) -> str:
    a = c.after
    return c.say(
        _(
            "%(actor)s a importé le fichier %(file)s : %(rows)s lignes, %(done)s créées ou "
            "modifiées, %(there)s déjà présentes, %(refused)s refusées"
        ),
        file=a.get("file_name") or c.event.target_repr,
        rows=a.get("rows", "—"),
        done=a.get("created_or_updated", "—"),
        there=a.get("already_there", "—"),
        refused=a.get("refused", "—"),
    )


def _by_import(message: str):
    def build(c: Context) -> str:
        file_name, line = c.after.get("file_name"), c.after.get("line")
        if file_name and line:
            detail = _("fichier %(file)s, ligne %(line)s") % {"file": file_name, "line": line}
            return c.say(message + " (%(detail)s)", detail=detail)
        return c.say(message)

    return build


def _static(message: str):
    return lambda c: c.say(message)


def sentences() -> dict:
    """Kind → sentence builder (messages translated when called, in the reader's language)."""
    return {
        AuditKind.USER_CREATED: _created,
        AuditKind.USER_CHANGED: _changed,
        AuditKind.USER_DEACTIVATED: _static(_("%(actor)s a désactivé le compte de %(person)s")),
        AuditKind.USER_REACTIVATED: _static(_("%(actor)s a réactivé le compte de %(person)s")),
        AuditKind.USER_MEMBERSHIP_ADDED: _static(_("%(actor)s a ajouté %(person)s à la société")),
        AuditKind.USER_API_KEY_REGENERATED: _static(
            _("%(actor)s a régénéré la clé d'API de l'utilisateur technique %(person)s")
        ),
        AuditKind.USER_PASSWORD_CHANGED: _static(
            _("%(actor)s a modifié le mot de passe de %(person)s")
        ),
        AuditKind.USER_EMAIL_CHANGE_REQUESTED: lambda c: c.say(
            _("%(actor)s a demandé à remplacer l'adresse e-mail de %(person)s par %(email)s"),
            email=c.after.get("email", "—"),
        ),
        AuditKind.USER_EMAIL_CHANGED: lambda c: c.say(
            _("Nouvelle adresse e-mail de %(person)s confirmée : %(email)s"),
            email=c.after.get("email", "—"),
        ),
        AuditKind.USER_PASSWORD_RECOVERY_SENT: _static(
            _("Lien de réinitialisation du mot de passe envoyé à %(person)s")
        ),
        AuditKind.USER_PASSWORD_RECOVERY_REFUSED: _static(
            _("Mot de passe oublié : les administrateurs de %(person)s lui ont été indiqués")
        ),
        AuditKind.USER_PASSWORD_RESET: _static(
            _("Nouveau mot de passe choisi par %(person)s avec le lien reçu")
        ),
        AuditKind.USER_SIGNED_IN: _static(_("Connexion de %(actor)s")),
        AuditKind.USER_SIGN_IN_FAILED: lambda c: c.say(
            _("Échec de connexion avec l'identifiant %(login)s"),
            login=c.after.get("login") or c.event.actor_repr or "—",
        ),
        AuditKind.API_KEY_ISSUED: _static(_("%(actor)s a créé une clé d'API pour %(person)s")),
        AuditKind.API_KEY_REGENERATED: _key_regenerated,
        AuditKind.API_KEY_REVOKED: _keys_revoked,
        AuditKind.ADVANCED_INVITED: lambda c: c.say(
            _("%(actor)s a invité %(email)s comme utilisateur avancé"), email=c.email()
        ),
        AuditKind.ADVANCED_INVITATION_RESENT: _static(
            _("%(actor)s a renvoyé l'invitation de %(person)s")
        ),
        AuditKind.ADVANCED_INVITATION_WITHDRAWN: _static(
            _("%(actor)s a retiré l'invitation de %(person)s")
        ),
        AuditKind.ADVANCED_ACCEPTED: _static(
            _("Invitation d'utilisateur avancé acceptée par %(person)s")
        ),
        AuditKind.ADVANCED_ASSOCIATED: _static(
            _("%(actor)s a associé l'utilisateur avancé %(person)s à la société")
        ),
        AuditKind.ADVANCED_UNLINKED: _static(
            _("%(actor)s a dissocié l'utilisateur avancé %(person)s de la société")
        ),
        AuditKind.COMPANY_SELECTED: _company_selected,
        AuditKind.IMPORT_FINISHED: _import_finished,
        AuditKind.IMPORT_PERSON_CREATED: _by_import(_("%(actor)s a créé %(person)s par import")),
        AuditKind.IMPORT_PERSON_CHANGED: _by_import(_("%(actor)s a modifié %(person)s par import")),
    }
