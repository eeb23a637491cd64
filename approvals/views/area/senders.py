"""Tab 1, « Utilisateurs autorisés »: approve or reject one or many, add, upload a CSV."""

from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from accounts.services import client_ip
from common.views import Column

from ... import forms, selectors, services
from ...models import Origin, SenderStatus
from ...selectors import EsecureScope
from .common import (
    ACCOUNT,
    ACCOUNT_COLUMN,
    ASSIGNED_BY,
    EMAIL,
    MODIFIED,
    MODIFIED_COLUMN,
    ORIGIN,
    STATUS,
    ListSpec,
    add_page,
    esecure_admin_required,
    list_action,
    list_page,
    when,
    who,
)

SENDER_COLUMNS = [
    Column(EMAIL, "email"),
    ACCOUNT_COLUMN,
    Column(ORIGIN, "origin"),
    Column(STATUS, "status"),
    MODIFIED_COLUMN,
]
SENDER_CSV = [EMAIL, gettext_lazy("Nom"), ACCOUNT, ORIGIN, STATUS, ASSIGNED_BY, MODIFIED]


# get_FOO_display translates every choice on each call: once per row is enough.
_ORIGINS = dict(Origin.choices)
_STATUSES = dict(SenderStatus.choices)


def _sender_csv_row(s) -> list:
    return [
        s.email,
        s.name,
        s.protected_account.account.number,
        str(_ORIGINS.get(s.origin, s.origin)),
        str(_STATUSES.get(s.status, s.status)),
        who(s.assigned_by),
        when(s.modified_at),
    ]


SENDERS = ListSpec(
    tab="senders",
    template="approvals/area/sender_list.html",
    row_template="approvals/area/_sender_row.html",
    form_class=forms.SenderFilterForm,
    select=selectors.sender_list,
    get=selectors.senders_get,
    columns=SENDER_COLUMNS,
    csv_header=SENDER_CSV,
    default_sort="email",
    csv_name="esecure-utilisateurs-autorises.csv",
    csv_row=_sender_csv_row,
    list_url="approvals:sender-list",
    action_url="approvals:sender-decide",
)


@esecure_admin_required
def sender_list(request, scope: EsecureScope):
    return list_page(request, scope, SENDERS)


@require_POST
@esecure_admin_required
def sender_decide(request, scope: EsecureScope):
    approve = request.POST.get("action") == "approve"

    def act(senders) -> str:
        summary = services.senders_decide(
            senders=senders, approve=approve, actor=request.user, ip_address=client_ip(request)
        )
        return _decide_message(summary, approve)

    return list_action(request, scope, SENDERS, act)


def _decide_message(summary: services.DecideSummary, approve: bool) -> str:
    if approve:
        text = ngettext(
            "%(count)s utilisateur approuvé.", "%(count)s utilisateurs approuvés.", summary.changed
        )
    else:
        text = ngettext(
            "%(count)s utilisateur rejeté.", "%(count)s utilisateurs rejetés.", summary.changed
        )
    text %= {"count": summary.changed}
    if summary.requests_decided:
        text += " " + ngettext(
            "Le demandeur est informé par e-mail.",
            "Les %(count)s demandeurs sont informés par e-mail.",
            summary.requests_decided,
        ) % {"count": summary.requests_decided}
    if summary.unchanged:
        text += " " + ngettext(
            "%(count)s ligne était déjà dans cet état.",
            "%(count)s lignes étaient déjà dans cet état.",
            summary.unchanged,
        ) % {"count": summary.unchanged}
    return text


@esecure_admin_required
def sender_add(request, scope: EsecureScope):
    def save(form, protected):
        sender = services.sender_add(
            protected=protected,
            email=form.cleaned_data["email"],
            name=form.cleaned_data["name"],
            actor=request.user,
            ip_address=client_ip(request),
        )
        return _("%(email)s est approuvé pour le compte %(account)s.") % {
            "email": sender.email,
            "account": protected.account.number,
        }

    return add_page(
        request,
        scope,
        form_class=forms.SenderAddForm,
        template="approvals/area/sender_add.html",
        tab="senders",
        save=save,
        success_url=reverse("approvals:sender-list"),
    )


@esecure_admin_required
def sender_upload(request, scope: EsecureScope):
    """Files of authorized e-mails go through the imports engine (template, dry run, progress
    in a worker, result file): the former upload page leads there."""
    return redirect("imports:kind", kind="esecure_senders")
