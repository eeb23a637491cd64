"""A person's own API keys: list them (never in full) and regenerate one, shown once."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from ..models import ApiKey
from ..permissions import may_hold_api_key
from ..services import api_key_issue, client_ip

KEYS_SHOWN = 20


def _key_rows(user, *, now):
    """The person's most recent keys with their state, newest first."""
    rows = []
    for key in ApiKey.objects.filter(user=user).select_related("created_by")[:KEYS_SHOWN]:
        if key.revoked_at:
            state = "revoked"
        elif key.expires_at and key.expires_at <= now:
            state = "expired"
        elif key.expires_at:
            state = "grace"
        else:
            state = "active"
        rows.append({"key": key, "state": state})
    return rows


def _context(request, **extra):
    now = timezone.now()
    return {
        "keys": _key_rows(request.user, now=now),
        "may_regenerate": may_hold_api_key(user=request.user),
        "grace_hours": settings.API_KEY_GRACE_HOURS,
        "shown": KEYS_SHOWN,
        **extra,
    }


@login_required
def api_key(request):
    return render(request, "accounts/keys/api_key.html", _context(request))


@never_cache
@require_POST
@login_required
def api_key_regenerate(request):
    """Issues a new key and shows it in this response only: never in a URL, never again."""
    if not may_hold_api_key(user=request.user):
        raise PermissionDenied
    key, plaintext = api_key_issue(
        user=request.user, actor=request.user, ip_address=client_ip(request)
    )
    previous_until = (
        ApiKey.objects.filter(user=request.user, revoked_at__isnull=True, expires_at__isnull=False)
        .exclude(pk=key.pk)
        .order_by("-expires_at")
        .values_list("expires_at", flat=True)
        .first()
    )
    context = _context(
        request, new_key=key, plaintext=plaintext, previous_until=_future(previous_until)
    )
    return render(request, "accounts/keys/api_key.html", context)


def _future(moment):
    return moment if moment and moment > timezone.now() else None
