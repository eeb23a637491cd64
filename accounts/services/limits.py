"""Sign-in and recovery limits counted per person and per address (issue 10).

allauth counts failed sign-ins per typed text, so a person's username and e-mail were two
counters. Here an identifier stands for the accounts it may open (username or e-mail, any case,
trimmed); an identifier that names no account is counted by its normalised text, which gives
the same answers, so a lock says nothing of whether an account exists.

The counters stay allauth's (same rates from `ACCOUNT_RATE_LIMITS`, same cache, same keys
scheme): we only choose the keys, and read the counters back to say when a lock ends. The
per-address rates are consumed once per attempt, the per-key rates once per account.
"""

import math
from dataclasses import dataclass
from datetime import datetime

from allauth.account import app_settings as allauth_settings
from allauth.core.internal import ratelimit as allauth_ratelimit
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import ngettext

from .. import selectors

APP = "allauth.account"
LOGIN_FAILED = "login_failed"
RESET_PASSWORD = "reset_password"


def limit_keys(*, login: str) -> list[str]:
    """The per-key counters an identifier consumes: one per account it may open, else its
    normalised text."""
    normalised = login.strip().lower()
    user_ids = selectors.user_ids_for_login(login=normalised)
    if not user_ids:
        return [f"login:{normalised}"]
    return [f"person:{pk}" for pk in user_ids]


def _rates_text(action: str, per: str) -> str:
    """The rates of `action` that count per `per` ("ip" or "key"), in the setting's own words."""
    parts = (allauth_settings.RATE_LIMITS.get(action) or "").split(",")
    return ",".join(
        p.strip() for p in parts if p.strip() and allauth_ratelimit.parse_rate(p.strip()).per == per
    )


@dataclass(frozen=True)
class _Counter:
    rates: str
    key: str | None


def _counters(action: str, login: str) -> list[_Counter]:
    counters = [_Counter(rates=_rates_text(action, "ip"), key=None)]
    key_rates = _rates_text(action, "key")
    counters += [_Counter(rates=key_rates, key=k) for k in limit_keys(login=login)]
    return [c for c in counters if c.rates]


def limit_consume(
    request: HttpRequest, *, action: str, login: str
) -> allauth_ratelimit.RateLimitUsage | None:
    """One attempt against the address and every account of `login`; None when one of them is
    locked. The usage can be rolled back (allauth does it after a successful sign-in)."""
    consumed = allauth_ratelimit.RateLimitUsage(usage=[])
    for counter in _counters(action, login):
        usage = allauth_ratelimit.consume(
            request, app=APP, action=action, config={action: counter.rates}, key=counter.key
        )
        if usage is None:
            return None
        consumed.usage.extend(usage.usage)
    return consumed


def limit_clear_person(request: HttpRequest, *, action: str, user_id: int) -> None:
    """Forgets a person's own counters (not the address's), after they proved they hold their
    mailbox by resetting their password, as allauth does."""
    rates = _rates_text(action, "key")
    if rates:
        allauth_ratelimit.clear(
            request, app=APP, action=action, config={action: rates}, key=f"person:{user_id}"
        )


def limit_retry_at(request: HttpRequest, *, action: str, login: str) -> datetime:
    """When the next attempt for `login` from this address will be counted again: the end of the
    longest lock among its counters."""
    now = timezone.now().timestamp()
    retry_at = now
    for counter in _counters(action, login):
        for rate in allauth_ratelimit.parse_rates(counter.rates):
            cache_key = allauth_ratelimit.get_cache_key(
                request, app=APP, action=action, rate=rate, key=counter.key
            )
            history = [t for t in cache.get(cache_key, []) if t > now - rate.duration]
            if len(history) >= rate.amount:
                # Newest first: the lock ends when the amount-th newest attempt leaves the window.
                retry_at = max(retry_at, history[rate.amount - 1] + rate.duration)
    return datetime.fromtimestamp(retry_at, tz=timezone.get_current_timezone())


def limit_wait_words(retry_at: datetime) -> dict[str, object]:
    """The minutes (rounded up, at least one) and local time of the end of a lock."""
    seconds = (retry_at - timezone.now()).total_seconds()
    minutes = max(1, math.ceil(seconds / 60))
    return {"minutes": minutes, "time": time_format(timezone.localtime(retry_at), "H:i")}


def sign_in_locked_message(request: HttpRequest, *, login: str) -> str:
    words = limit_wait_words(limit_retry_at(request, action=LOGIN_FAILED, login=login))
    return (
        ngettext(
            "Trop de tentatives de connexion infructueuses. "
            "Réessayez dans %(minutes)s minute (à %(time)s).",
            "Trop de tentatives de connexion infructueuses. "
            "Réessayez dans %(minutes)s minutes (à %(time)s).",
            words["minutes"],  # type: ignore[arg-type]
        )
        % words
    )


def recovery_locked_message(request: HttpRequest, *, login: str) -> str:
    words = limit_wait_words(limit_retry_at(request, action=RESET_PASSWORD, login=login))
    return (
        ngettext(
            "Trop de demandes. Réessayez dans %(minutes)s minute (à %(time)s).",
            "Trop de demandes. Réessayez dans %(minutes)s minutes (à %(time)s).",
            words["minutes"],  # type: ignore[arg-type]
        )
        % words
    )
