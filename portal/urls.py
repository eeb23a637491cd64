from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView
from django.views.i18n import set_language

from . import views
from .api import api_urls

# Support staff sign in through the same throttled sign-in page as everybody else.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]
admin.site.site_header = _("Sésame · support")
admin.site.site_title = "Sésame"

portal_patterns = (
    [path("", views.home, name="home"), path("health/", views.health, name="health")],
    "portal",
)

urlpatterns = [
    # First: the machine API is the hot path (sender checks), resolved before ~70 portal routes.
    path("api/v1/", api_urls()),
    path("", include(portal_patterns)),
    path("", include("accounts.urls")),
    path("", include("delegation.urls")),
    path("", include("notifications.urls")),
    path("", include("approvals.urls")),
    path("", include("imports.urls")),
    # allauth's own reset page would bypass the self-service rule of SPEC C2: ours replaces it.
    path(
        "accounts/password/reset/",
        RedirectView.as_view(pattern_name="accounts:password-forgot"),
        name="account_reset_password",
    ),
    path("accounts/", include("allauth.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
