from django.conf import settings
from django.utils.cache import add_never_cache_headers
from django.utils.functional import empty


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
