from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, ngettext_lazy
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
        "tag",
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
        (_("Clés"), {"fields": ("user_key",)}),
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
    actions = ["deactivate", "reactivate"]

    def _set_status(self, request, queryset, service, done_message):
        from django.core.exceptions import ValidationError

        changed = 0
        for membership in queryset.select_related("company", "user"):
            try:
                service(membership=membership, actor=request.user)
                changed += 1
            except ValidationError as error:
                self.message_user(request, f"{membership}: {' '.join(error.messages)}", "warning")
        self.message_user(request, done_message % {"n": changed})

    @admin.action(description=_("Désactiver (connexion et droits suspendus, historique gardé)"))
    def deactivate(self, request, queryset):
        from .services.users import user_deactivate

        self._set_status(
            request,
            queryset,
            user_deactivate,
            ngettext_lazy(
                "%(n)d appartenance désactivée.", "%(n)d appartenances désactivées.", "n"
            ),
        )

    @admin.action(description=_("Réactiver"))
    def reactivate(self, request, queryset):
        from .services.users import user_reactivate

        self._set_status(
            request,
            queryset,
            user_reactivate,
            ngettext_lazy("%(n)d appartenance réactivée.", "%(n)d appartenances réactivées.", "n"),
        )

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
    fields = (
        "code",
        "name",
        "translations",
        "description",
        "description_translations",
        "position",
        "is_active",
    )


def _description_shown(entry) -> str:
    """The description as the reader sees it: in their language, else French (marked so)."""
    if not entry.description:
        return "—"
    return format_html('<span lang="{}">{}</span>', entry.description_lang, entry.description_label)


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
        "description_shown",
    )
    list_filter = ("carrier", "is_active", "uses_profiles")
    search_fields = ("name", "code")
    inlines = [PermissionInline]

    @admin.display(description=_("description (dans votre langue)"))
    def description_shown(self, obj):
        return _description_shown(obj)


@admin.register(models.Permission)
class PermissionAdmin(admin.ModelAdmin):
    list_display = ("name", "application", "code", "position", "is_active", "description_shown")
    list_filter = ("application", "is_active")
    search_fields = ("name", "code", "application__name")
    list_select_related = ("application",)

    @admin.display(description=_("description (dans votre langue)"))
    def description_shown(self, obj):
        return _description_shown(obj)


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
    list_display = ("name", "application", "code", "position", "description_shown")
    list_filter = ("application",)
    search_fields = ("name", "code")
    filter_horizontal = ("service_types",)
    inlines = [ProfilePermissionInline]

    @admin.display(description=_("description (dans votre langue)"))
    def description_shown(self, obj):
        return _description_shown(obj)


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


@admin.register(models.ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    """Keys are listed by prefix only; the digest is never shown, nothing is edited here."""

    list_display = ("prefix", "user", "created_at", "last_used_at", "expires_at", "revoked_at")
    list_filter = (("revoked_at", admin.EmptyFieldListFilter),)
    search_fields = ("prefix", "user__username", "user__email")
    fields = (
        "prefix",
        "user",
        "created_by",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
    )
    readonly_fields = fields
    list_select_related = ("user",)
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Révoquer toutes les clés des personnes sélectionnées"))
    def revoke(self, request, queryset):
        from .services import api_key_revoke_all

        users = {key.user for key in queryset.select_related("user")}
        count = sum(api_key_revoke_all(user=user, actor=request.user) for user in users)
        self.message_user(
            request,
            ngettext("%(n)d clé révoquée.", "%(n)d clés révoquées.", count) % {"n": count},
        )


@admin.register(models.Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Advanced-user invitations; the key's digest is never shown."""

    list_display = (
        "membership",
        "created_by",
        "created_at",
        "expires_at",
        "used_at",
        "withdrawn_at",
    )
    list_filter = (
        ("used_at", admin.EmptyFieldListFilter),
        ("withdrawn_at", admin.EmptyFieldListFilter),
    )
    search_fields = ("membership__user__email", "membership__company__name")
    fields = ("membership", "created_by", "created_at", "expires_at", "used_at", "withdrawn_at")
    readonly_fields = fields
    list_select_related = ("membership__user", "membership__company", "created_by")
    actions = ["resend"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Renvoyer l'invitation (nouveau lien valable 48 h)"))
    def resend(self, request, queryset):
        from django.core.exceptions import ValidationError

        from .services.advanced import advanced_invitation_resend

        sent = 0
        for membership in {i.membership for i in queryset.select_related("membership__company")}:
            try:
                advanced_invitation_resend(membership=membership, actor=request.user)
                sent += 1
            except ValidationError as error:
                self.message_user(request, f"{membership}: {' '.join(error.messages)}", "warning")
        self.message_user(
            request,
            ngettext("%(n)d invitation renvoyée.", "%(n)d invitations renvoyées.", sent)
            % {"n": sent},
        )
