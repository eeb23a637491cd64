from django.urls import path, re_path
from django.views.generic import RedirectView

from ..views import auth as views
from ..views import profile

urlpatterns = [
    # Before allauth's page of the same address: ours says whom to ask, and signs out.
    path("accounts/inactive/", views.account_inactive, name="account-inactive"),
    path("me/", profile.profile, name="profile"),
    path("me/password/", views.password_change, name="password-change"),
    path("me/details/", profile.profile_edit, name="profile-edit"),
    path("me/email/", profile.email_change, name="email-change"),
    path(
        "me/email/confirm/<str:key>/",
        profile.email_change_confirm,
        name="email-change-confirm",
    ),
    # allauth's e-mail management (add, remove, confirm addresses) is closed: one address per
    # person, changed on the portal's page. Before allauth's URLs (portal/urls.py).
    path("accounts/email/", RedirectView.as_view(pattern_name="accounts:email-change")),
    re_path(r"^accounts/confirm-email/", profile.allauth_email_closed),
    path("audit/", views.audit_list, name="audit-list"),
    path("accounts/recovery/", views.password_forgot, name="password-forgot"),
    path("accounts/recovery/sent/", views.password_forgot_sent, name="password-forgot-sent"),
    path(
        "accounts/recovery/<uidb64>/<token>/",
        views.PasswordResetConfirm.as_view(),
        name="password-reset-confirm",
    ),
    path("accounts/recovery/done/", views.password_reset_done, name="password-reset-done"),
]
