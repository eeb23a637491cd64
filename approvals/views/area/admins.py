"""Tab 3, « Administrateurs clients »: any active admin adds another; activate, deactivate (never
the last active admin of an account)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from accounts.services import client_ip

from ... import forms, selectors, services
from ...selectors import EsecureScope
from .common import (
    ACCOUNT,
    ACCOUNT_COLUMN,
    ASSIGNED_BY,
    COMPANY,
    EMAIL,
    MODIFIED,
    MODIFIED_COLUMN,
    ORIGIN,
    STATUS,
    Column,
    ListSpec,
    add_page,
    back_to_list,
    esecure_admin_required,
    list_page,
    selected_or_404,
    when,
    who,
)

ADMIN_COLUMNS = [
    Column(EMAIL, "email"),
    ACCOUNT_COLUMN,
    Column(gettext_lazy("Prénom et nom"), "last_name"),
    Column(ORIGIN, "origin"),
    Column(STATUS, "status"),
    MODIFIED_COLUMN,
]
ADMIN_CSV = [
    ACCOUNT,
    EMAIL,
    gettext_lazy("Prénom"),
    gettext_lazy("Nom"),
    COMPANY,
    ORIGIN,
    STATUS,
    ASSIGNED_BY,
    MODIFIED,
]


def _admin_csv_row(a) -> list:
    return [
        a.protected_account.account.number,
        a.user.email,
        a.user.first_name,
        a.user.last_name,
        a.protected_account.account.company.name,
        a.get_origin_display(),
        a.get_status_display(),
        who(a.assigned_by),
        when(a.modified_at),
    ]


@esecure_admin_required
def admin_list(request, scope: EsecureScope):
    spec = ListSpec(
        tab="admins",
        template="approvals/area/admin_list.html",
        form_class=forms.AdminFilterForm,
        select=selectors.admin_list,
        columns=ADMIN_COLUMNS,
        csv_header=ADMIN_CSV,
        default_sort="account",
        csv_name="esecure-administrateurs-clients.csv",
        csv_row=_admin_csv_row,
    )
    return list_page(request, scope, spec)


@esecure_admin_required
def admin_add(request, scope: EsecureScope):
    def save(form, protected):
        admin = services.admin_add(
            protected=protected,
            email=form.cleaned_data["email"],
            first_name=form.cleaned_data["first_name"],
            last_name=form.cleaned_data["last_name"],
            language=form.cleaned_data["language"],
            actor=request.user,
            ip_address=client_ip(request),
        )
        return _(
            "%(name)s est administrateur client du compte %(account)s et en est informé par e-mail."
        ) % {"name": admin.user.display_name, "account": protected.account.number}

    return add_page(
        request,
        scope,
        form_class=forms.AdminAddForm,
        template="approvals/area/admin_add.html",
        tab="admins",
        save=save,
        success_url=reverse("approvals:admin-list"),
    )


@require_POST
@esecure_admin_required
def admin_status(request, scope: EsecureScope):
    active = request.POST.get("action") == "activate"
    admins = selected_or_404(request, scope, selectors.admins_get)
    if admins:
        try:
            changed = services.admins_set_status(
                admins=admins, active=active, actor=request.user, ip_address=client_ip(request)
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            text = (
                ngettext(
                    "%(count)s administrateur activé.",
                    "%(count)s administrateurs activés.",
                    changed,
                )
                if active
                else ngettext(
                    "%(count)s administrateur désactivé.",
                    "%(count)s administrateurs désactivés.",
                    changed,
                )
            )
            messages.success(request, text % {"count": changed})
    return back_to_list(request, "approvals:admin-list")
