"""Routes of the advanced area (namespace "accounts")."""

from django.urls import path

from ..views import advanced as views

urlpatterns = [
    path("advanced-users/", views.advanced_list, name="advanced-list"),
    path("advanced-users/new/", views.advanced_create, name="advanced-create"),
    path("advanced-users/associate/", views.advanced_associate, name="advanced-associate"),
    path("advanced-users/export.csv", views.advanced_export, name="advanced-export"),
    path("advanced-users/<int:pk>/rights/", views.advanced_rights, name="advanced-rights"),
    path("advanced-users/<int:pk>/details/", views.advanced_details, name="advanced-details"),
    path("advanced-users/<int:pk>/unlink/", views.advanced_unlink, name="advanced-unlink"),
    path(
        "advanced-users/<int:pk>/invitation/resend/",
        views.advanced_invitation_resend,
        name="advanced-invitation-resend",
    ),
    path(
        "advanced-users/<int:pk>/invitation/withdraw/",
        views.advanced_invitation_withdraw,
        name="advanced-invitation-withdraw",
    ),
    path("invitation/<str:key>/", views.invitation_accept, name="invitation-accept"),
]
