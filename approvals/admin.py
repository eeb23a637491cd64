"""eSecure in the Django admin, for carrier support staff.

Support put an account under eSecure through one flow (« Activer eSecure ») that also registers
its first customer admin, so that no protected account is ever left without someone to decide.
Every change made here goes through a service and is audited; history is never deleted, and the
hashed keys of decision links are never shown.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from accounts.models import CustomerAccount, Language, User
from accounts.services import client_ip

from .models import (
    AccessRequest,
    AuthorizedDomain,
    AuthorizedSender,
    CustomerAdmin,
    DecisionLink,
    Origin,
    ProtectedAccount,
    RequestStatus,
    SenderStatus,
    Status,
    UsageRecord,
)
from .services import manage, onboarding, support

# --- Shared behaviour ------------------------------------------------------------------------


class NoDeleteMixin:
    """Deactivate, never delete: eSecure rows are the history of who was allowed when."""

    def has_delete_permission(self, request, obj=None):
        return False


class ActionsOnlyMixin(NoDeleteMixin):
    """Rows that support change only through audited actions: the form shows every field
    read-only and offers no save button."""

    def get_readonly_fields(self, request, obj=None):
        return [*self.get_fields(request, obj)]

    def has_add_permission(self, request):
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "show_save": False,
            "show_save_and_continue": False,
            "show_save_and_add_another": False,
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        """Nothing is editable here; the actions are the way to change these rows."""


class ReadOnlyMixin(NoDeleteMixin):
    """Rows written by the application only (requests, links, usage)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


def _actor(request: HttpRequest) -> User:
    """admin_view lets only signed-in staff through."""
    assert isinstance(request.user, User)
    return request.user


def _run(modeladmin, request, service, **kwargs) -> None:
    """Calls one audited service for the selected rows and reports how many changed, or why
    the service refused (e.g. an account would lose its last active admin)."""
    try:
        result = service(actor=_actor(request), ip_address=client_ip(request), **kwargs)
    except ValidationError as exc:
        modeladmin.message_user(request, " ".join(exc.messages), messages.ERROR)
        return
    count = result if isinstance(result, int) else result.changed
    modeladmin.message_user(
        request,
        ngettext("%(n)d ligne modifiée.", "%(n)d lignes modifiées.", count) % {"n": count},
        messages.SUCCESS if count else messages.WARNING,
    )


# --- Protected accounts: onboarding ----------------------------------------------------------


class CustomerAdminForm(forms.Form):
    """A customer admin to register: an existing login is found by e-mail; a new one needs
    its names."""

    admin_email = forms.EmailField(label=_("E-mail de l'administrateur client"))
    first_name = forms.CharField(
        label=_("Prénom"),
        max_length=150,
        required=False,
        help_text=_("Obligatoire pour un nouvel identifiant ; ignoré s'il existe déjà."),
    )
    last_name = forms.CharField(
        label=_("Nom"),
        max_length=150,
        required=False,
        help_text=_("Obligatoire pour un nouvel identifiant ; ignoré s'il existe déjà."),
    )
    language = forms.ChoiceField(
        label=_("Langue des e-mails"), choices=Language.choices, initial=Language.FR
    )

    existing_user: User | None = None  # found by clean()

    def clean(self):
        cleaned = super().clean()
        email = cleaned.get("admin_email")
        if not email:
            return cleaned
        existing = User.objects.filter(email__iexact=email).first()
        self.existing_user = existing
        if existing is not None and not existing.is_active:
            self.add_error(
                "admin_email",
                _(
                    "Cet identifiant est désactivé : réactivez-le avant d'en faire un "
                    "administrateur."
                ),
            )
        if existing is None:
            for name in ("first_name", "last_name"):
                if not cleaned.get(name, "").strip():
                    self.add_error(name, _("Obligatoire pour un nouvel identifiant."))
        return cleaned


class ProtectionEnableForm(CustomerAdminForm):
    """Puts a customer account under eSecure with its first customer admin."""

    account = forms.ModelChoiceField(
        label=_("Numéro de compte"),
        queryset=CustomerAccount.objects.filter(is_active=True).select_related("company"),
        widget=AutocompleteSelect(ProtectedAccount._meta.get_field("account"), admin.site),
        help_text=_("Recherchez par numéro, nom du compte ou société."),
    )

    field_order = ["account", "admin_email", "first_name", "last_name", "language"]

    def clean_account(self):
        account = self.cleaned_data["account"]
        if ProtectedAccount.objects.filter(account=account).exists():
            raise ValidationError(
                _(
                    "Ce numéro de compte est déjà sous eSecure : ajoutez un administrateur "
                    "depuis sa fiche."
                )
            )
        return account


# --- Protected accounts ----------------------------------------------------------------------


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
class ProtectedAccountAdmin(NoDeleteMixin, admin.ModelAdmin):
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
        actor, ip = _actor(request), client_ip(request)
        data = form.cleaned_data
        manage.account_update(
            protected=stored,
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            show_admin_contacts=data["show_admin_contacts"],
            actor=actor,
            ip_address=ip,
        )
        manage.accounts_set_status(
            accounts=[stored], active=data["is_active"], actor=actor, ip_address=ip
        )

    def _accounts(self, queryset):
        return list(queryset.select_related("account__company"))

    @admin.action(description=_("Activer la protection eSecure"), permissions=["change"])
    def activate(self, request, queryset):
        _run(
            self,
            request,
            manage.accounts_set_status,
            accounts=self._accounts(queryset),
            active=True,
        )

    @admin.action(description=_("Désactiver la protection eSecure"), permissions=["change"])
    def deactivate(self, request, queryset):
        _run(
            self,
            request,
            manage.accounts_set_status,
            accounts=self._accounts(queryset),
            active=False,
        )

    # Onboarding flow -------------------------------------------------------------------------

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "enable/",
                self.admin_site.admin_view(self.enable_view),
                name="{}_{}_enable".format(*info),
            ),
            path(
                "<path:object_id>/add-admin/",
                self.admin_site.admin_view(self.add_admin_view),
                name="{}_{}_add_admin".format(*info),
            ),
            *super().get_urls(),
        ]

    def add_view(self, request, form_url="", extra_context=None):
        """No protected account without its first admin: « Ajouter » leads to the flow."""
        return HttpResponseRedirect(reverse("admin:approvals_protectedaccount_enable"))

    def enable_view(self, request: HttpRequest):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ProtectionEnableForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            is_new = form.existing_user is None
            try:
                protected = onboarding.protection_enable(
                    account=data["account"],
                    admin_email=data["admin_email"],
                    first_name=data["first_name"].strip(),
                    last_name=data["last_name"].strip(),
                    language=data["language"],
                    actor=_actor(request),
                    ip_address=client_ip(request),
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                listed = protected.senders.filter(origin=Origin.HISTORY).count()
                done = ngettext(
                    "eSecure mis en place pour le compte %(number)s : %(listed)d adresse de "
                    "l'historique listée en attente.",
                    "eSecure mis en place pour le compte %(number)s : %(listed)d adresses de "
                    "l'historique listées en attente.",
                    listed,
                ) % {"number": protected.account.number, "listed": listed}
                if is_new:
                    mail = gettext("%(email)s reçoit un e-mail pour créer son mot de passe.")
                else:
                    mail = gettext("%(email)s reçoit un e-mail de bienvenue.")
                self.message_user(
                    request,
                    " ".join(
                        [
                            done,
                            mail % {"email": data["admin_email"]},
                            gettext("La protection reste inactive jusqu'à son activation."),
                        ]
                    ),
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(
                    reverse("admin:approvals_protectedaccount_change", args=[protected.pk])
                )
        return self._form_page(
            request,
            form,
            title=gettext("Activer eSecure sur un numéro de compte"),
            intro=gettext(
                "Le compte passe sous eSecure (protection inactive jusqu'à son activation) ; "
                "les adresses qui l'ont utilisé ces 13 derniers mois sont listées en attente "
                "(origine « historique »). Un nouvel identifiant reçoit un e-mail pour créer "
                "son mot de passe, un identifiant existant un e-mail de bienvenue."
            ),
            submit=gettext("Activer eSecure"),
        )

    def add_admin_view(self, request: HttpRequest, object_id: str):
        protected = get_object_or_404(
            ProtectedAccount.objects.select_related("account__company"), pk=object_id
        )
        if not self.has_change_permission(request, protected):
            raise PermissionDenied
        form = CustomerAdminForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            is_new = form.existing_user is None
            if protected.admins.filter(
                user__email__iexact=data["admin_email"], status=Status.ACTIVE
            ).exists():
                form.add_error(
                    "admin_email",
                    _("Cette personne est déjà administrateur client actif de ce compte."),
                )
                return self._add_admin_page(request, form, protected)
            try:
                onboarding.customer_admin_add(
                    protected=protected,
                    email=data["admin_email"],
                    first_name=data["first_name"].strip(),
                    last_name=data["last_name"].strip(),
                    language=data["language"],
                    actor=_actor(request),
                    origin=Origin.SUPPORT,
                    ip_address=client_ip(request),
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                if is_new:
                    done = gettext(
                        "%(email)s est administrateur client du compte %(number)s ; "
                        "il reçoit un e-mail pour créer son mot de passe."
                    )
                else:
                    done = gettext(
                        "%(email)s est administrateur client du compte %(number)s ; "
                        "il reçoit un e-mail de bienvenue."
                    )
                self.message_user(
                    request,
                    done % {"email": data["admin_email"], "number": protected.account.number},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(
                    reverse("admin:approvals_protectedaccount_change", args=[protected.pk])
                )
        return self._add_admin_page(request, form, protected)

    def _add_admin_page(self, request, form, protected):
        return self._form_page(
            request,
            form,
            title=gettext("Ajouter un administrateur client au compte %(number)s")
            % {"number": protected.account.number},
            intro=gettext(
                "Un nouvel identifiant reçoit un e-mail pour créer son mot de passe, un "
                "identifiant existant un e-mail de bienvenue. La personne devient membre de "
                "la société %(company)s."
            )
            % {"company": protected.account.company.name},
            submit=gettext("Ajouter l'administrateur"),
            original=protected,
        )

    def _form_page(self, request, form, *, title, intro, submit, original=None):
        adminform = helpers.AdminForm(
            form, [(None, {"fields": list(form.fields)})], prepopulated_fields={}, model_admin=self
        )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": title,
            "intro": intro,
            "submit_label": submit,
            "adminform": adminform,
            "form": form,
            "errors": helpers.AdminErrorList(form, []),
            "media": self.media + adminform.media,
            "original": original,
        }
        return TemplateResponse(
            request, "admin/approvals/protectedaccount/support_form.html", context
        )


# --- Customer admins, senders, domains ------------------------------------------------------


def _rows(queryset, *related: str) -> list:
    """The selected rows with what the services' audit rows need."""
    return list(queryset.select_related("protected_account__account__company", *related))


class _OnProtectedAccount(admin.ModelAdmin):
    """Columns shared by the rows that belong to a protected account."""

    @admin.display(description=_("numéro de compte"), ordering="protected_account__account__number")
    def account_number(self, obj):
        return obj.protected_account.account.number

    @admin.display(description=_("société"), ordering="protected_account__account__company__name")
    def company(self, obj):
        return obj.protected_account.account.company.name


ON_ACCOUNT = ("protected_account__account__company", "assigned_by")
ACCOUNT_SEARCH = ("protected_account__account__number", "protected_account__account__company__name")


@admin.register(CustomerAdmin)
class CustomerAdminAdmin(ActionsOnlyMixin, _OnProtectedAccount):
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
        _run(self, request, manage.admins_set_status, admins=_rows(queryset, "user"), active=True)

    @admin.action(description=_("Désactiver les administrateurs clients"), permissions=["change"])
    def deactivate(self, request, queryset):
        _run(self, request, manage.admins_set_status, admins=_rows(queryset, "user"), active=False)


@admin.register(AuthorizedSender)
class AuthorizedSenderAdmin(ActionsOnlyMixin, _OnProtectedAccount):
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
        _run(self, request, manage.senders_decide, senders=_rows(queryset), approve=True)

    @admin.action(description=_("Rejeter les utilisateurs sélectionnés"), permissions=["change"])
    def reject(self, request, queryset):
        _run(self, request, manage.senders_decide, senders=_rows(queryset), approve=False)


@admin.register(AuthorizedDomain)
class AuthorizedDomainAdmin(ActionsOnlyMixin, _OnProtectedAccount):
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
        _run(self, request, manage.domains_set_status, domains=_rows(queryset), active=True)

    @admin.action(description=_("Désactiver les domaines sélectionnés"), permissions=["change"])
    def deactivate(self, request, queryset):
        _run(self, request, manage.domains_set_status, domains=_rows(queryset), active=False)


# --- Requests, links, usage: written by the application only --------------------------------

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
class AccessRequestAdmin(ReadOnlyMixin, _OnProtectedAccount):
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
            actor=_actor(request),
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
