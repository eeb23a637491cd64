from django.shortcuts import redirect
from django.urls import reverse

# Paths a person who must change a temporary password may still reach.
_ALLOWED_PREFIXES = ("/static/", "/i18n/", "/accounts/logout/", "/api/")


class PasswordChangeRequiredMiddleware:
    """Sends a person holding a temporary password to the password change page first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.must_change_password:
            target = reverse("accounts:password-change")
            if request.path != target and not request.path.startswith(_ALLOWED_PREFIXES):
                return redirect(f"{target}?forced=1")
        return self.get_response(request)
