"""Authorized senders and domains: approved, rejected, (de)activated through audited actions."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .. import services
from ..models import AuthorizedDomain, AuthorizedSender
from .base import (
    ACCOUNT_SEARCH,
    ON_ACCOUNT,
    ActionsOnlyMixin,
    OnProtectedAccountAdmin,
    run_service,
    selected_rows,
)


@admin.register(AuthorizedSender)
class AuthorizedSenderAdmin(ActionsOnlyMixin, OnProtectedAccountAdmin):
    list_display = (
        "email",
        "name",
        "account_number",
        "company",
        "status",
        "origin",
        "assigned_by",
        "created_at",
        "modified_at",
    )
    list_filter = ("status", "origin")
    search_fields = ("email", "name", *ACCOUNT_SEARCH)
    list_select_related = ON_ACCOUNT
    show_full_result_count = False  # large lists: no second COUNT(*)
    fields = (
        "protected_account",
        "email",
        "name",
        "status",
        "origin",
        "assigned_by",
        "created_at",
        "modified_at",
    )
    actions = ["approve", "reject"]

    @admin.action(description=_("Approuver les utilisateurs sélectionnés"), permissions=["change"])
    def approve(self, request, queryset):
        run_service(
            self, request, services.senders_decide, senders=selected_rows(queryset), approve=True
        )

    @admin.action(description=_("Rejeter les utilisateurs sélectionnés"), permissions=["change"])
    def reject(self, request, queryset):
        run_service(
            self, request, services.senders_decide, senders=selected_rows(queryset), approve=False
        )


@admin.register(AuthorizedDomain)
class AuthorizedDomainAdmin(ActionsOnlyMixin, OnProtectedAccountAdmin):
    list_display = (
        "domain",
        "account_number",
        "company",
        "status",
        "origin",
        "assigned_by",
        "modified_at",
    )
    list_filter = ("status", "origin")
    search_fields = ("domain", *ACCOUNT_SEARCH)
    list_select_related = ON_ACCOUNT
    fields = (
        "protected_account",
        "domain",
        "status",
        "origin",
        "assigned_by",
        "created_at",
        "modified_at",
    )
    actions = ["activate", "deactivate"]

    @admin.action(description=_("Activer les domaines sélectionnés"), permissions=["change"])
    def activate(self, request, queryset):
        run_service(
            self,
            request,
            services.domains_set_status,
            domains=selected_rows(queryset),
            active=True,
        )

    @admin.action(description=_("Désactiver les domaines sélectionnés"), permissions=["change"])
    def deactivate(self, request, queryset):
        run_service(
            self,
            request,
            services.domains_set_status,
            domains=selected_rows(queryset),
            active=False,
        )
