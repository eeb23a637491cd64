from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportModelAdmin

from . import models, resources


class CustomerAccountInline(admin.TabularInline):
    model = models.CustomerAccount
    extra = 0
    fields = ("number", "name", "is_active")
    show_change_link = True


class BillingAddressInline(admin.TabularInline):
    model = models.BillingAddress
    extra = 0
    fields = ("name", "address", "postcode", "city", "country", "is_active")


@admin.register(models.Company)
class CompanyAdmin(ImportExportModelAdmin):
    resource_classes = [resources.CompanyResource]
    list_display = ("name", "city", "country", "vat_number", "is_router", "is_active", "created_at")
    list_filter = ("is_active", "is_router", "country")
    search_fields = ("name", "vat_number", "city")
    inlines = [CustomerAccountInline, BillingAddressInline]


class AccountApplicationInline(admin.TabularInline):
    model = models.AccountApplication
    extra = 0
    autocomplete_fields = ("application",)


@admin.register(models.CustomerAccount)
class CustomerAccountAdmin(ImportExportModelAdmin):
    resource_classes = [resources.CustomerAccountResource]
    list_display = ("number", "name", "company", "is_active", "created_at")
    list_filter = ("is_active", "applications")
    search_fields = ("number", "name", "company__name")
    autocomplete_fields = ("company",)
    list_select_related = ("company",)
    inlines = [AccountApplicationInline]


@admin.register(models.BillingAddress)
class BillingAddressAdmin(ImportExportModelAdmin):
    resource_classes = [resources.BillingAddressResource]
    list_display = ("name", "address", "postcode", "city", "company", "is_active")
    list_filter = ("is_active", "country")
    search_fields = ("name", "address", "city", "company__name")
    autocomplete_fields = ("company",)
    list_select_related = ("company",)


class MembershipInline(admin.TabularInline):
    model = models.Membership
    fk_name = "user"
    extra = 0
    fields = (
        "company",
        "kind",
        "status",
        "can_manage_users",
        "can_manage_admins",
        "can_recover_password",
        "has_ftp_access",
    )
    autocomplete_fields = ("company",)


@admin.register(models.User)
class UserAdmin(ImportExportModelAdmin, DjangoUserAdmin):
    """People. The password hash is never displayed: staff set a new one through a form."""

    resource_classes = [resources.UserResource]
    list_display = (
        "username",
        "email",
        "first_name",
        "last_name",
        "language",
        "is_active",
        "is_staff",
        "last_login",
    )
    list_filter = ("is_active", "is_staff", "language", "memberships__kind")
    search_fields = (
        "username",
        "email",
        "first_name",
        "last_name",
        "user_key",
        "memberships__company__name",
    )
    readonly_fields = ("user_key", "password_link", "last_login", "date_joined", "created_by")
    fieldsets = (
        (None, {"fields": ("username", "password_link", "must_change_password")}),
        (
            _("Identité"),
            {
                "fields": (
                    "civility",
                    "first_name",
                    "last_name",
                    "email",
                    "language",
                    "function",
                    "phone",
                )
            },
        ),
        (_("Adresse"), {"fields": ("address", "postcode", "city", "country")}),
        (_("Clés"), {"fields": ("user_key", "tag")}),
        (_("Statut"), {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        (_("Dates"), {"fields": ("last_login", "date_joined", "created_by")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "email", "password1", "password2")}),
    )
    inlines = [MembershipInline]

    @admin.display(description=_("Mot de passe"))
    def password_link(self, obj):
        if not obj.pk:
            return "—"
        url = reverse("admin:auth_user_password_change", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Définir un nouveau mot de passe"))


@admin.register(models.Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = (
        "user",
        "company",
        "kind",
        "status",
        "can_manage_users",
        "can_manage_admins",
        "can_recover_password",
        "created_at",
    )
    list_filter = ("kind", "status", "can_manage_users", "can_manage_admins")
    search_fields = ("user__username", "user__email", "user__last_name", "company__name")
    autocomplete_fields = ("user", "company", "created_by")
    list_select_related = ("user", "company")


class PermissionInline(admin.TabularInline):
    model = models.Permission
    extra = 0
    fields = ("code", "name", "translations", "description", "position", "is_active")


@admin.register(models.Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "code",
        "carrier",
        "uses_accounts",
        "uses_billing_addresses",
        "uses_products",
        "uses_service_types",
        "uses_profiles",
        "is_active",
    )
    list_filter = ("carrier", "is_active", "uses_profiles")
    search_fields = ("name", "code")
    inlines = [PermissionInline]


@admin.register(models.Permission)
class PermissionAdmin(admin.ModelAdmin):
    list_display = ("name", "application", "code", "position", "is_active")
    list_filter = ("application", "is_active")
    search_fields = ("name", "code", "application__name")
    list_select_related = ("application",)


@admin.register(models.Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ("name", "application", "code", "position")
    list_filter = ("application",)
    search_fields = ("name", "code")


@admin.register(models.ServiceType)
class ServiceTypeAdmin(admin.ModelAdmin):
    list_display = ("name", "number", "family", "application", "position")
    list_filter = ("application", "family")
    search_fields = ("name", "code")


class ProfilePermissionInline(admin.TabularInline):
    model = models.ProfilePermission
    extra = 0
    autocomplete_fields = ("permission",)


@admin.register(models.AccessProfile)
class AccessProfileAdmin(admin.ModelAdmin):
    list_display = ("name", "application", "code", "position")
    list_filter = ("application",)
    search_fields = ("name", "code")
    filter_horizontal = ("service_types",)
    inlines = [ProfilePermissionInline]


@admin.register(models.AccountApplication)
class AccountApplicationAdmin(admin.ModelAdmin):
    list_display = ("account", "application", "enabled_at")
    list_filter = ("application",)
    search_fields = ("account__number", "account__company__name", "application__name")
    autocomplete_fields = ("account", "application")
    list_select_related = ("account", "application")


@admin.register(models.Grant)
class GrantAdmin(admin.ModelAdmin):
    list_display = (
        "permission",
        "membership",
        "holder_company",
        "grantor_company",
        "status",
        "granted_by",
        "created_at",
    )
    list_filter = ("status", "permission__application")
    search_fields = (
        "membership__user__username",
        "holder_company__name",
        "grantor_company__name",
        "permission__name",
    )
    autocomplete_fields = (
        "membership",
        "holder_company",
        "grantor_company",
        "permission",
        "granted_by",
        "parent",
    )
    filter_horizontal = ("accounts", "billing_addresses", "products", "service_types")
    list_select_related = (
        "permission__application",
        "membership__user",
        "membership__company",
        "holder_company",
        "grantor_company",
        "granted_by",
    )


@admin.register(models.AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("created_at", "kind", "actor_repr", "company", "target_repr", "ip_address")
    list_filter = ("kind", ("company", admin.RelatedOnlyFieldListFilter))
    search_fields = ("kind", "actor_repr", "target_repr", "company__name", "ip_address")
    date_hierarchy = "created_at"
    list_select_related = ("company",)

    # The log is written by the application only.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
