"""The machine API under /api/v1 (SPEC C9): one NinjaAPI, one way to authenticate, one error shape.

Every operation is authenticated by the header `Authorization: Api-Key <key>` unless it says
otherwise; each app mounts its own Router here (`accounts.api.router` at /rights, eSecure's
sender check at /sender-checks). Every answer is JSON and never stored by caches
(`Cache-Control: no-store`); errors are `{"detail": ..., "field": ...}` (`common.api.ErrorOut`):
401 without a valid key, 400 when a parameter is missing or malformed (the field is named), 404
for an unknown item (the field is named), 405 for a method the path does not have, 413 for a
body over the upload limit, 415 for a body that is not `application/json`; an unexpected error
is a logged JSON 500, never a page or a traceback.

Texts meant for people (names, reasons) are in English unless the client asks for French, Dutch
or German with `Accept-Language`.
"""

import logging
from functools import wraps
from http import HTTPStatus
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import re_path
from django.utils import translation
from django.utils.translation.trans_real import parse_accept_lang_header
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.docs import DocsBase

from accounts.permissions.api import ApiKeyAuth
from common.apikeys import AUTH_SCHEME

logger = logging.getLogger("django.request")

API_DEFAULT_LANGUAGE = "en"

DESCRIPTION = """
Sésame's machine API.

**Authentication.** Send the key of an advanced or technical user in every call:

    Authorization: Api-Key ses_…

A key is shown once, when it is issued or regenerated on the person's own page ("My account").
After a regeneration the previous key keeps working for a grace period (24 hours by default) so
that integrations can switch. A key stops working at once when its holder is deactivated.

**Errors** are JSON objects `{"detail": "…", "field": "…"}`: 401 without a valid key, 400 when a
parameter is missing, malformed, too long or holds control characters, 404 when an application,
permission or account is unknown (`field` names which one), 405 for a method the path does not
have, 413 for a body over the size limit and 415 for a body that is not `application/json`.

**Caching.** No answer may be stored: each carries `Cache-Control: no-store`.

**Language.** Names and reasons are in English unless `Accept-Language` asks for `fr`, `nl` or
`de`.
"""


class SwaggerDocs(DocsBase):
    """Swagger UI served from our own static files, started by a static script: the CSP
    (`script-src 'self'`) forbids ninja's CDN page and its inline configuration."""

    template = "api/docs.html"

    def render_page(self, request: HttpRequest, api: "NinjaAPI", **kwargs: Any) -> HttpResponse:
        return render(
            request,
            self.template,
            {"api": api, "openapi_url": self.get_openapi_url(api, kwargs)},
        )


def api_language(request: HttpRequest) -> str:
    """The first supported language of Accept-Language, else English."""
    for code, _quality in parse_accept_lang_header(request.headers.get("Accept-Language", "")):
        if code == "*":
            break
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            continue
    return API_DEFAULT_LANGUAGE


def in_api_language(run):
    """Runs an operation (authentication, validation, errors included) in the API language."""

    @wraps(run)
    def wrapper(request, *args, **kwargs):
        language = api_language(request)
        with translation.override(language):
            response = run(request, *args, **kwargs)
        response.headers.setdefault("Content-Language", language)
        return response

    return wrapper


def json_body_only(run):
    """A body is JSON of a bounded size: 415 for any other media type, 413 when too large (both
    answered before the key is looked up)."""

    @wraps(run)
    def wrapper(request, *args, **kwargs):
        if request.method in ("POST", "PUT", "PATCH"):
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
            if limit is not None and length > limit:
                return error_response(413, f"The body may not exceed {limit} bytes.")
            if length and request.content_type != "application/json":
                return error_response(415, "The body must be JSON (application/json).")
        return run(request, *args, **kwargs)

    return wrapper


def error_response(status: int, detail: str, field: str = "") -> JsonResponse:
    return JsonResponse(
        {"detail": detail, "field": field},
        status=status,
        content_type="application/json; charset=utf-8",  # as ninja's own answers
    )


def json_errors_no_store(view):
    """Wraps each view of the API: an error ninja or Django answers in another form (405,
    404) becomes the JSON error, and no answer may be stored by a cache."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code >= 400 and not response.get("Content-Type", "").startswith(
            "application/json"
        ):
            allow = response.get("Allow")
            response = error_response(response.status_code, HTTPStatus(response.status_code).phrase)
            if allow:
                response["Allow"] = allow
        response["Cache-Control"] = "no-store"
        return response

    return wrapper


@json_errors_no_store
def not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    return error_response(404, "No such path in the API.")


not_found.csrf_exempt = True  # type: ignore[attr-defined]


api = NinjaAPI(
    title="Sésame API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    docs=SwaggerDocs(),
    docs_url="/docs",
    openapi_url="/openapi.json",
    auth=ApiKeyAuth(),
)
api.add_decorator(in_api_language, mode="view")
api.add_decorator(json_body_only, mode="view")


@api.exception_handler(AuthenticationError)
def _unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = api.create_response(
        request,
        {
            "detail": "A valid API key is required: send the header Authorization: Api-Key <key>.",
            "field": "Authorization",
        },
        status=401,
    )
    response.headers["WWW-Authenticate"] = AUTH_SCHEME
    return response


@api.exception_handler(ValidationError)
def _bad_request(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """400 naming the first field in error (ninja answers 422 with a bare list by default)."""
    first = exc.errors[0] if exc.errors else {}
    location = [str(part) for part in first.get("loc", ())]
    field = location[-1] if len(location) > 1 else ""
    message = first.get("msg", "Invalid request")
    return api.create_response(
        request,
        {
            "detail": f"{field}: {message}" if field else message,
            "field": field,
            "errors": exc.errors,
        },
        status=400,
    )


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """ninja's own refusals (a body that is not valid JSON)."""
    return error_response(exc.status_code, exc.message)


@api.exception_handler(RequestDataTooBig)
def _too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return error_response(413, "The body is over the size limit.")


@api.exception_handler(Exception)
def _server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    """A bug: logged with its traceback like Django's own 500, answered in JSON."""
    logger.error(
        "Internal Server Error: %s", request.path, exc_info=exc, extra={"request": request}
    )
    return error_response(500, "Internal error: the team has been told.")


api.add_router("/rights", "accounts.api.router", tags=["Rights"])
api.add_router("/sender-checks", "approvals.api.router", tags=["eSecure"])


def api_urls():
    """The API's URL patterns for portal/urls.py: each view wrapped by `json_errors_no_store`,
    and any other path under the API a JSON 404."""
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        pattern.callback = json_errors_no_store(pattern.callback)
    return [*patterns, re_path(r"^", not_found)], app_name, namespace
