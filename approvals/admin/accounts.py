"""Protected accounts: the list with their admins and pending senders, the protection form."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.services import client_ip

from .. import services
from ..models import (
    AuthorizedDomain,
    AuthorizedSender,
    CustomerAdmin,
    ProtectedAccount,
    SenderStatus,
    Status,
)
from .base import NoDeleteMixin, run_service, staff_actor
from .onboarding import ProtectionOnboardingAdmin


class CustomerAdminInline(admin.TabularInline):
    model = CustomerAdmin
    extra = 0
    fields = ("user", "email", "status", "origin", "assigned_by", "modified_at")
    readonly_fields = fields
    show_change_link = True
    can_delete = False
    verbose_name_plural = _("administrateurs clients")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user", "assigned_by")

    @admin.display(description=_("e-mail"))
    def email(self, obj):
        return obj.user.email

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class AuthorizedDomainInline(admin.TabularInline):
    model = AuthorizedDomain
    extra = 0
    fields = ("domain", "status", "origin", "assigned_by", "modified_at")
    readonly_fields = fields
    show_change_link = True
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("assigned_by")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


def _count_of(model, **filters):
    """A correlated COUNT per protected account, without multiplying rows in the list query."""
    rows = (
        model.objects.filter(protected_account=OuterRef("pk"), **filters)
        .order_by()
        .values("protected_account")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


@admin.register(ProtectedAccount)
class ProtectedAccountAdmin(NoDeleteMixin, ProtectionOnboardingAdmin):
    list_display = (
        "account_number",
        "account_name",
        "company",
        "is_active",
        "in_force",
        "starts_on",
        "ends_on",
        "show_admin_contacts",
        "origin",
        "history_listed_at",
        "admin_count",
        "pending_count",
        "assigned_by",
        "modified_at",
    )
    list_display_links = ("account_number",)
    list_filter = ("is_active", "show_admin_contacts", "origin", "starts_on", "ends_on")
    search_fields = (
        "account__number",
        "account__name",
        "account__company__name",
        "admins__user__email",
    )
    list_select_related = ("account__company", "assigned_by")
    readonly_fields = (
        "account",
        "company",
        "origin",
        "history_listed_at",
        "assigned_by",
        "created_at",
        "modified_at",
    )
    fieldsets = (
        (None, {"fields": ("account", "company")}),
        (
            _("Protection"),
            {"fields": ("is_active", "starts_on", "ends_on", "show_admin_contacts")},
        ),
        (
            _("Suivi"),
            {
                "fields": (
                    "origin",
                    "history_listed_at",
                    "assigned_by",
                    "created_at",
                    "modified_at",
                )
            },
        ),
    )
    inlines = [CustomerAdminInline, AuthorizedDomainInline]
    actions = ["activate", "deactivate"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                admin_total=_count_of(CustomerAdmin, status=Status.ACTIVE),
                pending_total=_count_of(AuthorizedSender, status=SenderStatus.PENDING),
            )
        )

    # Columns --------------------------------------------------------------------------------

    @admin.display(description=_("numéro de compte"), ordering="account__number")
    def account_number(self, obj):
        return obj.account.number

    @admin.display(description=_("nom du compte"), ordering="account__name")
    def account_name(self, obj):
        return obj.account.name

    @admin.display(description=_("société"), ordering="account__company__name")
    def company(self, obj):
        return obj.account.company.name

    @admin.display(description=_("en vigueur aujourd'hui"), boolean=True)
    def in_force(self, obj):
        return obj.protects_on(timezone.localdate())

    @admin.display(description=_("administrateurs actifs"), ordering="admin_total")
    def admin_count(self, obj):
        return obj.admin_total

    @admin.display(description=_("utilisateurs en attente"), ordering="pending_total")
    def pending_count(self, obj):
        return obj.pending_total

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # « Save and add another » would lead to the onboarding flow: not what one expects here.
        extra_context = {**(extra_context or {}), "show_save_and_add_another": False}
        return super().change_view(request, object_id, form_url, extra_context)

    # Writes: through the audited services ----------------------------------------------------

    def save_model(self, request, obj, form, change):
        """The same services as the customer admins' « Numéros de compte » tab. They compare
        with the stored row: the form has already copied its values onto `obj`."""
        if not change:  # the add view redirects to the onboarding flow; never reached
            raise PermissionDenied
        stored = ProtectedAccount.objects.select_related("account__company").get(pk=obj.pk)
        actor, ip = staff_actor(request), client_ip(request)
        data = form.cleaned_data
        services.account_update(
            protected=stored,
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            show_admin_contacts=data["show_admin_contacts"],
            actor=actor,
            ip_address=ip,
        )
        services.accounts_set_status(
            accounts=[stored], active=data["is_active"], actor=actor, ip_address=ip
        )

    def _accounts(self, queryset):
        return list(queryset.select_related("account__company"))

    @admin.action(description=_("Activer la protection eSecure"), permissions=["change"])
    def activate(self, request, queryset):
        run_service(
            self,
            request,
            services.accounts_set_status,
            accounts=self._accounts(queryset),
            active=True,
        )

    @admin.action(description=_("Désactiver la protection eSecure"), permissions=["change"])
    def deactivate(self, request, queryset):
        run_service(
            self,
            request,
            services.accounts_set_status,
            accounts=self._accounts(queryset),
            active=False,
        )
