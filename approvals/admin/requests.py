"""Requests, decision links and usage: written by the application only; support may expire
pending requests. The hashed keys of decision links are never shown."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.services import client_ip

from ..models import AccessRequest, DecisionLink, RequestStatus, UsageRecord
from ..services import support
from .base import ACCOUNT_SEARCH, OnProtectedAccountAdmin, ReadOnlyMixin, staff_actor

LINK_FIELDS = ("request", "admin", "action", "created_at", "expires_at", "used_at")


class DecisionLinkInline(admin.TabularInline):
    model = DecisionLink
    extra = 0
    fields = ("admin", "action", "created_at", "expires_at", "used_at")
    readonly_fields = fields
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("admin")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(AccessRequest)
class AccessRequestAdmin(ReadOnlyMixin, OnProtectedAccountAdmin):
    list_display = (
        "email",
        "name",
        "account_number",
        "company",
        "status",
        "language",
        "created_at",
        "expires_at",
        "decided_at",
        "decided_by",
    )
    list_filter = ("status", "language")
    search_fields = ("email", "name", *ACCOUNT_SEARCH)
    list_select_related = ("protected_account__account__company", "decided_by")
    date_hierarchy = "created_at"
    fields = (
        "protected_account",
        "email",
        "name",
        "language",
        "status",
        "created_at",
        "expires_at",
        "decided_at",
        "decided_by",
    )
    readonly_fields = fields
    inlines = [DecisionLinkInline]
    actions = ["expire"]

    def has_expire_permission(self, request):
        """Decisions belong to the account's admins; support may only expire requests."""
        opts = self.opts
        return request.user.has_perm(f"{opts.app_label}.change_{opts.model_name}")

    @admin.action(description=_("Faire expirer les demandes en attente"), permissions=["expire"])
    def expire(self, request, queryset):
        count = support.requests_expire_now(
            requests=queryset.filter(status=RequestStatus.PENDING),
            actor=staff_actor(request),
            ip_address=client_ip(request),
        )
        self.message_user(
            request,
            ngettext("%(n)d demande expirée.", "%(n)d demandes expirées.", count) % {"n": count},
            messages.SUCCESS if count else messages.WARNING,
        )


@admin.register(DecisionLink)
class DecisionLinkAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """The e-mailed links, without their hashed keys."""

    list_display = (
        "requester",
        "account_number",
        "admin",
        "action",
        "created_at",
        "expires_at",
        "used_at",
    )
    list_filter = ("action", "used_at", "expires_at")
    search_fields = (
        "request__email",
        "admin__email",
        "request__protected_account__account__number",
    )
    list_select_related = ("request__protected_account__account", "admin")
    fields = LINK_FIELDS
    readonly_fields = LINK_FIELDS

    @admin.display(description=_("demandeur"), ordering="request__email")
    def requester(self, obj):
        return obj.request.email

    @admin.display(
        description=_("numéro de compte"), ordering="request__protected_account__account__number"
    )
    def account_number(self, obj):
        return obj.request.protected_account.account.number


@admin.register(UsageRecord)
class UsageRecordAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("used_on", "email", "account", "company")
    list_filter = ("used_on",)
    search_fields = ("email", "account__number", "account__company__name")
    list_select_related = ("account__company",)
    date_hierarchy = "used_on"
    show_full_result_count = False
    fields = ("account", "email", "used_on")
    readonly_fields = fields

    @admin.display(description=_("société"), ordering="account__company__name")
    def company(self, obj):
        return obj.account.company.name
