"""What the eSecure admin pages share: no deleting, changes through audited actions only."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import User
from accounts.services import client_ip


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


def staff_actor(request: HttpRequest) -> User:
    """admin_view lets only signed-in staff through."""
    assert isinstance(request.user, User)
    return request.user


def run_service(modeladmin, request, service, **kwargs) -> None:
    """Calls one audited service for the selected rows and reports how many changed, or why
    the service refused (e.g. an account would lose its last active admin)."""
    try:
        result = service(actor=staff_actor(request), ip_address=client_ip(request), **kwargs)
    except ValidationError as exc:
        modeladmin.message_user(request, " ".join(exc.messages), messages.ERROR)
        return
    count = result if isinstance(result, int) else result.changed
    modeladmin.message_user(
        request,
        ngettext("%(n)d ligne modifiée.", "%(n)d lignes modifiées.", count) % {"n": count},
        messages.SUCCESS if count else messages.WARNING,
    )


def selected_rows(queryset, *related: str) -> list:
    """The selected rows with what the services' audit rows need."""
    return list(queryset.select_related("protected_account__account__company", *related))


class OnProtectedAccountAdmin(admin.ModelAdmin):
    """Columns shared by the rows that belong to a protected account."""

    @admin.display(description=_("numéro de compte"), ordering="protected_account__account__number")
    def account_number(self, obj):
        return obj.protected_account.account.number

    @admin.display(description=_("société"), ordering="protected_account__account__company__name")
    def company(self, obj):
        return obj.protected_account.account.company.name


ON_ACCOUNT = ("protected_account__account__company", "assigned_by")
ACCOUNT_SEARCH = ("protected_account__account__number", "protected_account__account__company__name")
