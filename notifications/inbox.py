"""The words of portal messages: one function per kind, called when the message is read.

A message is stored as its kind and JSON parameters (names, numbers, dates as ISO strings), so
it reads in the language of the page, whatever its recipient's e-mail language. Each function
takes the parameters and returns (subject, body) in the active language. Callers pass plain
values; this module never reads other apps' models.
"""

from collections.abc import Callable

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from common.elision import elide

MessageWords = Callable[[dict], tuple[str, str]]

WORDS: dict[str, MessageWords] = {}


def _words(kind: str) -> Callable[[MessageWords], MessageWords]:
    def register(function: MessageWords) -> MessageWords:
        WORDS[kind] = function
        return function

    return register


def message_words(kind: str, params: dict) -> tuple[str, str]:
    """Subject and body of a message of this kind, in the active language (French elisions made
    where a name follows « de », « que », « le »)."""
    subject, body = WORDS[kind](params)
    return elide(subject), elide(body)


def _day(value: str) -> str:
    """A date stored as ISO text, as the reader writes dates."""
    moment = parse_datetime(value)
    if moment is None:
        return value
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return date_format(moment, "SHORT_DATE_FORMAT")


# --- eSecure -----------------------------------------------------------------------------------


@_words("esecure.request")
def _esecure_request(p: dict) -> tuple[str, str]:
    return (
        _("Demande d'expédition sur le compte %(account)s") % p,
        _(
            "%(email)s demande à expédier avec le compte %(account)s. Approuvez ou "
            "rejetez la demande dans l'espace eSecure ou depuis l'e-mail reçu."
        )
        % p,
    )


@_words("esecure.admin_invited")
def _esecure_admin_invited(p: dict) -> tuple[str, str]:
    return (
        _("Invitation : administrateur client eSecure"),
        _(
            "%(admin)s vous invite à devenir administrateur client eSecure du compte "
            "%(account)s (%(company)s). Acceptez ou refusez dans « Mes invitations "
            "eSecure » ; rien ne change tant que vous n'avez pas répondu."
        )
        % p,
    )


# --- Provider access: to the provider ----------------------------------------------------------


@_words("provider.offered")
def _provider_offered(p: dict) -> tuple[str, str]:
    return (
        _("Autorisation en tant que prestataire"),
        _(
            "%(admin)s, administrateur de %(company)s, souhaite vous octroyer un accès "
            "prestataire. Acceptez ou refusez la demande dans « Mes accès prestataire » ; "
            "une fois acceptée, vous pourrez choisir %(company)s à la connexion."
        )
        % p,
    )


@_words("provider.withdrawn")
def _provider_withdrawn(p: dict) -> tuple[str, str]:
    return (
        _("Accès prestataire retiré"),
        _("%(company)s a retiré votre accès prestataire.") % p,
    )


@_words("provider.request_declined")
def _provider_request_declined(p: dict) -> tuple[str, str]:
    return (
        _("Demande d'accès prestataire déclinée"),
        _("%(company)s a décliné votre demande d'accès prestataire.") % p,
    )


@_words("provider.end_changed")
def _provider_end_changed(p: dict) -> tuple[str, str]:
    subject = _("Date de fin de votre accès prestataire modifiée")
    if p.get("ends_at"):
        return subject, _("%(company)s a fixé la fin de votre accès prestataire au %(day)s.") % {
            **p,
            "day": _day(p["ends_at"]),
        }
    return subject, _("%(company)s a retiré la date de fin de votre accès prestataire.") % p


@_words("provider.rights_changed")
def _provider_rights_changed(p: dict) -> tuple[str, str]:
    return (
        _("Vos droits de prestataire ont changé"),
        _(
            "%(company)s a modifié les droits de votre accès prestataire ; vous les retrouvez "
            "dans « Mes accès prestataire »."
        )
        % p,
    )


# --- Provider access: both sides (`to_provider` says which) ------------------------------------


@_words("provider.ending")
def _provider_ending(p: dict) -> tuple[str, str]:
    names = {**p, "day": _day(p["ends_at"])}
    if p.get("to_provider"):
        return (
            _("Votre accès prestataire prend bientôt fin"),
            _("Votre accès prestataire chez %(company)s prend fin le %(day)s.") % names,
        )
    return (
        _("L'accès prestataire de %(email)s prend bientôt fin") % names,
        _(
            "L'accès prestataire de %(email)s prend fin le %(day)s. Pour le prolonger, "
            "changez sa date de fin dans « Prestataires »."
        )
        % names,
    )


@_words("provider.ended")
def _provider_ended(p: dict) -> tuple[str, str]:
    if p.get("to_provider"):
        return (
            _("Accès prestataire terminé"),
            _(
                "Votre accès prestataire chez %(company)s est arrivé à sa date de fin ; ses "
                "droits vous sont retirés."
            )
            % p,
        )
    return (
        _("L'accès prestataire de %(email)s a pris fin") % p,
        _(
            "L'accès prestataire de %(email)s est arrivé à sa date de fin ; ses droits "
            "chez %(company)s sont retirés."
        )
        % p,
    )


# --- Provider access: to the mandant's administrators ------------------------------------------


@_words("provider.requested")
def _provider_requested(p: dict) -> tuple[str, str]:
    body = (
        _(
            "%(name)s (%(email)s, de %(companies)s) demande un accès prestataire à votre "
            "société, en indiquant le numéro de compte client %(number)s. Accordez-lui des "
            "droits ou déclinez la demande dans « Prestataires »."
        )
        % p
    )
    if p.get("message"):
        body += f"\n\n{p['message']}"  # the requester's own words, as written
    return _("%(email)s demande un accès prestataire") % p, body


@_words("provider.answered")
def _provider_answered(p: dict) -> tuple[str, str]:
    if p.get("accepted"):
        return (
            _("%(email)s a accepté l'accès prestataire") % p,
            _(
                "%(name)s (%(email)s) a accepté l'accès prestataire : cette personne peut agir "
                "pour %(company)s avec les droits accordés."
            )
            % p,
        )
    return (
        _("%(email)s a refusé l'accès prestataire") % p,
        _("%(name)s (%(email)s) a refusé l'accès prestataire proposé par %(company)s.") % p,
    )


@_words("provider.given_up")
def _provider_given_up(p: dict) -> tuple[str, str]:
    return (
        _("%(email)s a abandonné son accès prestataire") % p,
        _(
            "%(name)s (%(email)s) a abandonné son accès prestataire : ses droits chez "
            "%(company)s sont retirés."
        )
        % p,
    )
