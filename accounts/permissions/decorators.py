"""View decorators of the access module: signed in, in a company, as an administrator, staff,
and the routes of one object (found first, whatever the method)."""

from collections.abc import Callable, Sequence
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, resolve_url

READ_AND_WRITE = ("GET", "HEAD", "POST")
WRITE_ONLY = ("POST",)


def company_required(view):
    """Signed in, with a selected company (else off to the company choice)."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.membership is None:
            url = resolve_url(settings.COMPANY_SELECT_URL)
            return redirect(f"{url}?{urlencode({'next': request.get_full_path()})}")
        return view(request, *args, **kwargs)

    return wrapper


def admin_required(view):
    """Signed in, in a selected company, as one of its administrators (else 403)."""

    @company_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.membership.is_admin:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def staff_required(view):
    """Carrier support staff only (else 403)."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_staff:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def object_view(
    lookup: Callable[[Any, int], Any],
    *,
    methods: Sequence[str] = READ_AND_WRITE,
    check: Callable[[Any, Any], None] | None = None,
):
    """A route of one object, its id in the URL as `pk`. Whatever the method, in this order: the
    object found by `lookup(request, pk)` (which raises Http404 for anything not theirs), then
    `check(request, obj)` (raises PermissionDenied: 403), then the method (else 405). So an
    outsider gets the same 404 for every method and learns nothing from a 403 or a 405. The view
    receives the object in place of its id. Sign-in and company come from decorators around it.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, pk: int, *args, **kwargs):
            obj = lookup(request, pk)
            if check is not None:
                check(request, obj)
            if request.method not in methods:
                return HttpResponseNotAllowed(methods)
            return view(request, obj, *args, **kwargs)

        wrapper.looks_up_first = True  # type: ignore[attr-defined]  # for the routes test
        return wrapper

    return decorator


def _admin_check(request, obj) -> None:
    if not request.membership.is_admin:
        raise PermissionDenied


def admin_object_view(
    lookup: Callable[[Any, int], Any], *, methods: Sequence[str] = READ_AND_WRITE
):
    """An administrator's route of one object of the selected company: signed in, a company
    selected, then `object_view` with the administrator right checked after the lookup."""

    def decorator(view):
        return company_required(object_view(lookup, methods=methods, check=_admin_check)(view))

    return decorator
