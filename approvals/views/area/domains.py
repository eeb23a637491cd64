"""Tab 2, « Domaines autorisés »: add (normalised; free-mail domains need a confirmation),
activate, deactivate."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from accounts.services import client_ip
from common.views import Column, service_errors

from ... import forms, selectors, services
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
    account_or_404,
    esecure_admin_required,
    list_action,
    list_page,
    when,
    who,
)

DOMAIN_COLUMNS = [
    Column(gettext_lazy("Nom de domaine"), "domain"),
    ACCOUNT_COLUMN,
    Column(ORIGIN, "origin"),
    Column(COMPANY),
    Column(STATUS, "status"),
    MODIFIED_COLUMN,
]
DOMAIN_CSV = [
    gettext_lazy("Nom de domaine"),
    ACCOUNT,
    ORIGIN,
    COMPANY,
    STATUS,
    ASSIGNED_BY,
    MODIFIED,
]


def _domain_csv_row(d) -> list:
    return [
        d.domain,
        d.protected_account.account.number,
        d.get_origin_display(),
        d.protected_account.account.company.name,
        d.get_status_display(),
        who(d.assigned_by),
        when(d.modified_at),
    ]


DOMAINS = ListSpec(
    tab="domains",
    template="approvals/area/domain_list.html",
    row_template="approvals/area/_domain_row.html",
    form_class=forms.DomainFilterForm,
    select=selectors.domain_list,
    get=selectors.domains_get,
    columns=DOMAIN_COLUMNS,
    csv_header=DOMAIN_CSV,
    default_sort="domain",
    csv_name="esecure-domaines-autorises.csv",
    csv_row=_domain_csv_row,
    list_url="approvals:domain-list",
    action_url="approvals:domain-status",
)


@esecure_admin_required
def domain_list(request, scope: EsecureScope):
    return list_page(request, scope, DOMAINS)


@esecure_admin_required
def domain_add(request, scope: EsecureScope):
    form = forms.DomainAddForm(request.POST or None, scope=scope)
    if request.method == "POST" and form.is_valid():
        protected = account_or_404(scope, form.cleaned_data["account"])
        try:
            domain = services.domain_add(
                protected=protected,
                domain=form.cleaned_data["domain"],
                confirm_free_mail=form.cleaned_data["confirm_free_mail"],
                actor=request.user,
                ip_address=client_ip(request),
            )
        except ValidationError as exc:
            if any(e.code == "free_mail" for e in exc.error_dict.get("domain", [])):
                form.ask_confirmation(form.cleaned_data["domain"].strip().lower().lstrip("@"))
            service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Le domaine %(domain)s est autorisé pour le compte %(account)s.")
                % {"domain": domain.domain, "account": protected.account.number},
            )
            return redirect("approvals:domain-list")
    context = {
        "form": form,
        "tab": "domains",
        "pending_count": selectors.sender_pending_count(scope=scope),
    }
    return render(request, "approvals/area/domain_add.html", context)


@require_POST
@esecure_admin_required
def domain_status(request, scope: EsecureScope):
    active = request.POST.get("action") == "activate"

    def act(domains) -> str:
        changed = services.domains_set_status(
            domains=domains, active=active, actor=request.user, ip_address=client_ip(request)
        )
        text = (
            ngettext("%(count)s domaine activé.", "%(count)s domaines activés.", changed)
            if active
            else ngettext("%(count)s domaine désactivé.", "%(count)s domaines désactivés.", changed)
        )
        return text % {"count": changed}

    return list_action(request, scope, DOMAINS, act)
