"""Customer admins: listed, activated and deactivated by support (never the last one); their
invitations listed read-only (the key's digest is never shown)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .. import services
from ..models import AdminInvitation, CustomerAdmin
from .base import (
    ACCOUNT_SEARCH,
    ON_ACCOUNT,
    ActionsOnlyMixin,
    OnProtectedAccountAdmin,
    ReadOnlyMixin,
    run_service,
    selected_rows,
)


@admin.register(CustomerAdmin)
class CustomerAdminAdmin(ActionsOnlyMixin, OnProtectedAccountAdmin):
    list_display = (
        "user",
        "email",
        "full_name",
        "account_number",
        "company",
        "status",
        "origin",
        "assigned_by",
        "modified_at",
    )
    list_filter = ("status", "origin")
    search_fields = ("user__email", "user__username", "user__last_name", *ACCOUNT_SEARCH)
    list_select_related = ("user", *ON_ACCOUNT)
    fields = (
        "protected_account",
        "user",
        "status",
        "origin",
        "assigned_by",
        "created_at",
        "modified_at",
    )
    actions = ["activate", "deactivate"]

    @admin.display(description=_("e-mail"), ordering="user__email")
    def email(self, obj):
        return obj.user.email

    @admin.display(description=_("nom"), ordering="user__last_name")
    def full_name(self, obj):
        return obj.user.get_full_name()

    @admin.action(description=_("Activer les administrateurs clients"), permissions=["change"])
    def activate(self, request, queryset):
        run_service(
            self,
            request,
            services.admins_set_status,
            admins=selected_rows(queryset, "user"),
            active=True,
        )

    @admin.action(description=_("Désactiver les administrateurs clients"), permissions=["change"])
    def deactivate(self, request, queryset):
        run_service(
            self,
            request,
            services.admins_set_status,
            admins=selected_rows(queryset, "user"),
            active=False,
        )


@admin.register(AdminInvitation)
class AdminInvitationAdmin(ReadOnlyMixin, OnProtectedAccountAdmin):
    list_display = (
        "email",
        "account_number",
        "company",
        "status",
        "origin",
        "invited_by",
        "sent_at",
        "expires_at",
        "answered_at",
        "answered_by",
    )
    list_filter = ("status", "origin")
    search_fields = ("email", *ACCOUNT_SEARCH)
    list_select_related = ("protected_account__account__company", "invited_by", "answered_by")
    fields = (
        "protected_account",
        "email",
        "first_name",
        "last_name",
        "language",
        "status",
        "origin",
        "invited_by",
        "sent_at",
        "expires_at",
        "used_at",
        "answered_at",
        "answered_by",
    )
