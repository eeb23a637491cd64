from django.conf import settings
from django.core.handlers.base import BaseHandler
from django.core.handlers.exception import convert_exception_to_response
from django.utils.cache import add_never_cache_headers
from django.utils.functional import empty
from django.utils.module_loading import import_string


class ContentSecurityPolicyMiddleware:
    """Adds the Content-Security-Policy header (Django 5.2 has no built-in CSP)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        return response


class NoStoreWhenSignedInMiddleware:
    """`Cache-Control: no-store` (Django's never-cache headers) on every answer made for a
    signed-in person, so that no browser or proxy cache keeps a page of their data.

    Only answers that looked at the person count: a view that never read `request.user` (a
    public page) keeps its own caching and costs no session read. Static files are served by
    WhiteNoise before this middleware, with their own long caching. The API sets its own
    header (portal/api.py)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = request.__dict__.get("user")
        looked_at = user is not None and getattr(user, "_wrapped", empty) is not empty
        if looked_at and user.is_authenticated:
            add_never_cache_headers(response)
        return response


class ApiFastPathMiddleware:
    """First in MIDDLEWARE: requests under `API_PATH_PREFIX` (the machine API, authenticated
    by key, answering JSON) go through the rest of MIDDLEWARE minus `API_SKIPPED_MIDDLEWARE`
    (sessions, sign-in, language, CSRF, messages, the current company… which the API does not
    use), then to the view. Other requests go on through the whole stack. A middleware added to
    MIDDLEWARE applies to the API too unless it is listed as skipped."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.prefix = settings.API_PATH_PREFIX
        self.api = _ApiHandler()

    def __call__(self, request):
        if not request.path_info.startswith(self.prefix):
            return self.get_response(request)
        response = self.api.chain(request)
        # What CommonMiddleware would have added: clients then keep the connection open.
        if not response.streaming and not response.has_header("Content-Length"):
            response.headers["Content-Length"] = str(len(response.content))
        return response


class _ApiHandler(BaseHandler):
    """Django's request handling (URL resolution, view, exception responses) behind the API's
    own, shorter middleware chain (synchronous, as the project is)."""

    def __init__(self):
        super().__init__()
        self._view_middleware = []
        self._template_response_middleware = []
        self._exception_middleware = []
        skipped = {*settings.API_SKIPPED_MIDDLEWARE, f"{__name__}.ApiFastPathMiddleware"}
        handler = convert_exception_to_response(self._get_response)
        for path in reversed(settings.MIDDLEWARE):
            if path in skipped:
                continue
            middleware = import_string(path)(handler)
            if hasattr(middleware, "process_view"):
                self._view_middleware.insert(0, middleware.process_view)
            if hasattr(middleware, "process_template_response"):
                self._template_response_middleware.append(middleware.process_template_response)
            if hasattr(middleware, "process_exception"):
                self._exception_middleware.append(middleware.process_exception)
            handler = convert_exception_to_response(middleware)
        self.chain = handler
