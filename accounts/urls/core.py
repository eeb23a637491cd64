from django.urls import path

from ..views import auth as views
from ..views import profile

urlpatterns = [
    path("me/", profile.profile, name="profile"),
    path("me/password/", views.password_change, name="password-change"),
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
