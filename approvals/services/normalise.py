"""E-mail and domain normalisation shared by every eSecure path."""

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

# Domains anybody can get an address on: authorising one needs an explicit confirmation.
FREE_MAIL_DOMAINS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "yahoo.com",
        "yahoo.fr",
        "yahoo.de",
        "hotmail.com",
        "hotmail.fr",
        "outlook.com",
        "outlook.fr",
        "live.com",
        "live.fr",
        "msn.com",
        "aol.com",
        "icloud.com",
        "me.com",
        "gmx.de",
        "gmx.net",
        "gmx.ch",
        "web.de",
        "orange.fr",
        "free.fr",
        "laposte.net",
        "sfr.fr",
        "wanadoo.fr",
        "proton.me",
        "protonmail.com",
        "skynet.be",
        "telenet.be",
        "bluewin.ch",
        "mail.com",
        "yandex.com",
        "zoho.com",
    }
)


def normalise_email(value: str) -> str:
    """Lower-cased, trimmed, valid e-mail; ValidationError otherwise."""
    email = (value or "").strip().lower()
    validate_email(email)
    return email


def normalise_domain(value: str) -> str:
    """A bare domain name: "@Example.COM " → "example.com"; ValidationError when not a domain."""
    domain = (value or "").strip().lower().lstrip("@").rstrip(".")
    if domain.startswith(("http://", "https://")) or "/" in domain:
        raise ValidationError(_("Indiquez seulement le nom de domaine, par exemple exemple.com."))
    try:
        validate_email(f"x@{domain}")
        ascii_domain = domain.encode("idna").decode("ascii")
    except (ValidationError, UnicodeError) as exc:
        raise ValidationError(
            _("« %(domain)s » n'est pas un nom de domaine valide.") % {"domain": value}
        ) from exc
    if "." not in ascii_domain:
        raise ValidationError(
            _("« %(domain)s » n'est pas un nom de domaine valide.") % {"domain": value}
        )
    return domain


def is_free_mail(domain: str) -> bool:
    return domain in FREE_MAIL_DOMAINS
