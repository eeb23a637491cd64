"""Single-use links sent by e-mail (STYLE rule 12), one mechanism for every kind.

The key is 256-bit random from `secrets` and travels only in the link; we store its SHA-256
(a fast hash is enough for random keys) and find a link by that digest. A link is open until it
expires or is used; its kind may close it for its own reasons (an invitation withdrawn, a
request decided by someone else). A POST acts only after claiming the link with a conditional
UPDATE, so a double submit acts once. Closed links share one page, which each kind fills with
its own words; unknown and expired links say nothing about what they were for.
"""

import hashlib
import hmac
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

KEY_BYTES = 32
MAX_KEY_LENGTH = 128  # longer is not one of our keys: no lookup
CLOSED_TEMPLATE = "links/closed.html"


class LinkState:
    """What a link can do now. Kinds may add their own closed states (plain strings)."""

    OPEN = "open"
    EXPIRED = "expired"
    USED = "used"
    UNKNOWN = "unknown"


def link_digest(key: str) -> str:
    """What we store of a link key."""
    return hashlib.sha256(key.encode()).hexdigest()


def new_link_key() -> tuple[str, str]:
    """A fresh key for a link (in clear, for the e-mail only) and its digest (to store)."""
    key = secrets.token_urlsafe(KEY_BYTES)
    return key, link_digest(key)


class SingleUseLinkQuerySet(models.QuerySet):
    def open(self, *, now: datetime | None = None):
        """Neither used nor expired (a kind may still close some for its own reasons)."""
        return self.filter(used_at__isnull=True, expires_at__gt=now or timezone.now())


class SingleUseLink(models.Model):
    """The stored half of an e-mailed link: the digest of its key, its validity, its use."""

    key_hash = models.CharField(_("empreinte"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("date de création"), default=timezone.now)
    expires_at = models.DateTimeField(_("expire le"))
    used_at = models.DateTimeField(_("date d'utilisation"), null=True, blank=True)

    objects = SingleUseLinkQuerySet.as_manager()

    class Meta:
        abstract = True


L = TypeVar("L", bound=SingleUseLink)


@dataclass(frozen=True)
class FoundLink(Generic[L]):
    """A link and its state; `link` is None exactly when the state is unknown."""

    link: L | None
    state: str

    @property
    def is_open(self) -> bool:
        return self.state == LinkState.OPEN


def link_find(queryset: models.QuerySet[L], key: str) -> L | None:
    """The link of `key`, found by digest (unique index) and confirmed in constant time."""
    if not key or len(key) > MAX_KEY_LENGTH:
        return None
    digest = link_digest(key)
    link = queryset.filter(key_hash=digest).first()
    if link is None or not hmac.compare_digest(link.key_hash, digest):
        return None
    return link


def link_state(
    link: L | None,
    *,
    now: datetime | None = None,
    closed: Callable[[L], str | None] | None = None,
) -> str:
    """Used stays used whatever happened since; then the kind's own reasons (`closed` returns a
    state or None); then time."""
    if link is None:
        return LinkState.UNKNOWN
    if link.used_at is not None:
        return LinkState.USED
    if closed is not None and (reason := closed(link)):
        return reason
    if link.expires_at <= (now or timezone.now()):
        return LinkState.EXPIRED
    return LinkState.OPEN


def link_lookup(
    queryset: models.QuerySet[L],
    key: str,
    *,
    now: datetime | None = None,
    closed: Callable[[L], str | None] | None = None,
) -> FoundLink[L]:
    """The link of `key` and what it can do now; reads only (safe for GET, HEAD, scanners)."""
    link = link_find(queryset, key)
    return FoundLink(link, link_state(link, now=now, closed=closed))


def link_claim(link: SingleUseLink, *, now: datetime | None = None) -> bool:
    """Marks the link used if nobody did first (conditional UPDATE): of two POSTs of the same
    link, exactly one gets True. Call it in the transaction of the action, before acting."""
    now = now or timezone.now()
    claimed = (
        type(link)
        ._default_manager.filter(pk=link.pk, used_at__isnull=True, expires_at__gt=now)
        .update(used_at=now)
    )
    if claimed:
        link.used_at = now
    return bool(claimed)


# --- The page of a closed link ---------------------------------------------------------------


@dataclass(frozen=True)
class ClosedLinkWords:
    """What a kind says on the page of one of its closed links. `details` (label, value) rows
    describe the object: give them only for states that must say what was done with it."""

    title: str
    paragraphs: Sequence[str] = ()
    heading: str = ""  # defaults to the title
    notice: str = ""  # a success message above the heading (e.g. "decision recorded")
    details: Sequence[tuple[str, str]] = ()
    action_label: str = ""
    action_url: str = ""


def render_closed_link(
    request: HttpRequest, *, state: str, words: ClosedLinkWords, status: int | None = None
) -> HttpResponse:
    """The one page for closed links: 404 for an unknown key, 410 (gone) for the others."""
    if status is None:
        status = 404 if state == LinkState.UNKNOWN else 410
    response = render(request, CLOSED_TEMPLATE, {"state": state, "words": words}, status=status)
    response["X-Robots-Tag"] = "noindex"
    return response
