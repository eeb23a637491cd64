"""Tab 4, « Numéros de compte »: activate or deactivate protection (at once), dates, consent."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from accounts.permissions import company_required, object_view
from accounts.services import client_ip
from common.views import Column, service_errors

from ... import forms, selectors, services
from ...models import ProtectedAccount
from ...selectors import EsecureScope
from .common import (
    ACCOUNT,
    ACCOUNT_COLUMN,
    ASSIGNED_BY,
    COMPANY,
    MODIFIED,
    MODIFIED_COLUMN,
    ORIGIN,
    STATUS,
    ListSpec,
    esecure_admin_required,
    list_action,
    list_page,
    when,
    who,
)

ACCOUNT_COLUMNS = [
    ACCOUNT_COLUMN,
    Column(gettext_lazy("Période"), "starts_on"),
    Column(ORIGIN, "origin"),
    Column(STATUS, "status"),
    Column(gettext_lazy("Consentement"), "consent"),
    MODIFIED_COLUMN,
]
ACCOUNT_CSV = [
    ACCOUNT,
    COMPANY,
    gettext_lazy("Date de début"),
    gettext_lazy("Date de fin"),
    ORIGIN,
    STATUS,
    gettext_lazy("Consentement affichage e-mail admin"),
    ASSIGNED_BY,
    MODIFIED,
]


def _account_csv_row(p) -> list:
    return [
        p.account.number,
        p.account.company.name,
        p.starts_on.isoformat() if p.starts_on else "",
        p.ends_on.isoformat() if p.ends_on else "",
        p.get_origin_display(),
        _("Actif") if p.is_active else _("Inactif"),
        _("Oui") if p.show_admin_contacts else _("Non"),
        who(p.assigned_by),
        when(p.modified_at),
    ]


ACCOUNTS = ListSpec(
    tab="accounts",
    template="approvals/area/account_list.html",
    row_template="approvals/area/_account_row.html",
    form_class=forms.AccountFilterForm,
    select=selectors.account_list,
    get=selectors.accounts_get,
    columns=ACCOUNT_COLUMNS,
    csv_header=ACCOUNT_CSV,
    default_sort="account",
    csv_name="esecure-numeros-de-compte.csv",
    csv_row=_account_csv_row,
    list_url="approvals:account-list",
    action_url="approvals:account-status",
)


@esecure_admin_required
def account_list(request, scope: EsecureScope):
    return list_page(request, scope, ACCOUNTS)


@require_POST
@esecure_admin_required
def account_status(request, scope: EsecureScope):
    active = request.POST.get("action") == "activate"

    def act(accounts) -> str:
        changed = services.accounts_set_status(
            accounts=accounts, active=active, actor=request.user, ip_address=client_ip(request)
        )
        text = (
            ngettext(
                "%(count)s numéro de compte activé : la protection s'applique dès maintenant.",
                "%(count)s numéros de compte activés : la protection s'applique dès maintenant.",
                changed,
            )
            if active
            else ngettext(
                "%(count)s numéro de compte désactivé : tout expéditeur y est de nouveau admis.",
                "%(count)s numéros de compte désactivés : tout expéditeur y est de nouveau admis.",
                changed,
            )
        )
        return text % {"count": changed}

    return list_action(request, scope, ACCOUNTS, act)


def _company_account_or_404(request, pk: int) -> ProtectedAccount:
    """A protected account of the selected company, found before the eSecure check: another
    company's account is a 404, for a company with eSecure or without."""
    if (found := selectors.company_account_get(company=request.company, pk=pk)) is None:
        raise Http404
    return found


@company_required
@object_view(_company_account_or_404)
@esecure_admin_required
def account_edit(request, scope: EsecureScope, protected: ProtectedAccount):
    if protected.pk not in scope.ids:
        raise Http404  # of the company, but not an account this customer admin manages
    initial = {
        "starts_on": protected.starts_on,
        "ends_on": protected.ends_on,
        "show_admin_contacts": protected.show_admin_contacts,
    }
    form = forms.AccountEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.account_update(
                protected=protected,
                actor=request.user,
                ip_address=client_ip(request),
                **form.cleaned_data,
            )
        except ValidationError as exc:
            service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Le numéro de compte %(account)s est enregistré.")
                % {"account": protected.account.number},
            )
            return redirect("approvals:account-list")
    context = {
        "form": form,
        "protected": protected,
        "tab": "accounts",
        "pending_count": selectors.sender_pending_count(scope=scope),
    }
    return render(request, "approvals/area/account_edit.html", context)
