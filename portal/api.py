"""The machine API under /api/v1 (SPEC C9): one NinjaAPI, one way to authenticate, one error shape.

Every operation is authenticated by the header `Authorization: Api-Key <key>` unless it says
otherwise; each app mounts its own Router here (`accounts.api.router` at /rights; eSecure's
sender check will mount at /sender-checks). Errors are JSON `{"detail": ..., "field": ...}`:
401 without a valid key, 400 when a parameter is missing or malformed (the field is named),
404 for an unknown item (the field is named).

Texts meant for people (names, reasons) are in English unless the client asks for French, Dutch
or German with `Accept-Language`.
"""

from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation.trans_real import parse_accept_lang_header
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError
from ninja.openapi.docs import DocsBase

from accounts.permissions.api import ApiKeyAuth
from common.apikeys import AUTH_SCHEME

API_DEFAULT_LANGUAGE = "en"

DESCRIPTION = """
Sésame's machine API.

**Authentication.** Send the key of an advanced or technical user in every call:

    Authorization: Api-Key ses_…

A key is shown once, when it is issued or regenerated on the person's own page ("My account").
After a regeneration the previous key keeps working for a grace period (24 hours by default) so
that integrations can switch. A key stops working at once when its holder is deactivated.

**Errors** are JSON objects `{"detail": "…", "field": "…"}`: 401 without a valid key, 400 when a
parameter is missing or malformed, 404 when an application, permission or account is unknown
(`field` names which one).

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


api.add_router("/rights", "accounts.api.router", tags=["Rights"])
api.add_router("/sender-checks", "approvals.api.router", tags=["eSecure"])
