"""Tab 3, « Administrateurs clients »: any active admin invites another (who becomes admin only
by accepting), resends or withdraws an invitation; activate, deactivate (never the last active
admin of an account)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from accounts.permissions import WRITE_ONLY, company_required, object_view
from accounts.services import client_ip
from common.views import Column, service_messages

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
    ListSpec,
    add_page,
    esecure_admin_required,
    list_action,
    list_page,
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


ADMINS = ListSpec(
    tab="admins",
    template="approvals/area/admin_list.html",
    row_template="approvals/area/_admin_row.html",
    form_class=forms.AdminFilterForm,
    select=selectors.admin_list,
    get=selectors.admins_get,
    columns=ADMIN_COLUMNS,
    csv_header=ADMIN_CSV,
    default_sort="account",
    csv_name="esecure-administrateurs-clients.csv",
    csv_row=_admin_csv_row,
    list_url="approvals:admin-list",
    action_url="approvals:admin-status",
)


@esecure_admin_required
def admin_list(request, scope: EsecureScope):
    invitations = selectors.admin_invitation_list(scope=scope)
    return list_page(request, scope, ADMINS, invitations=invitations)


INVITATION_SENT = gettext_lazy("Une invitation a été envoyée à cette adresse.")


@esecure_admin_required
def admin_add(request, scope: EsecureScope):
    """Whoever owns the address, the same answer: an invitation was sent (SPEC C5)."""

    def save(form, protected):
        services.admin_invite(
            protected=protected,
            email=form.cleaned_data["email"],
            first_name=form.cleaned_data["first_name"],
            last_name=form.cleaned_data["last_name"],
            language=form.cleaned_data["language"],
            actor=request.user,
            ip_address=client_ip(request),
        )
        return str(INVITATION_SENT)

    return add_page(
        request,
        scope,
        form_class=forms.AdminAddForm,
        template="approvals/area/admin_add.html",
        tab="admins",
        save=save,
        success_url=reverse("approvals:admin-list"),
    )


def _invitation_or_404(request, pk: int):
    """An invitation of the selected company, looked up before anything else (else 404, for
    every method)."""
    if (found := selectors.admin_invitation_in_company(company=request.company, pk=pk)) is None:
        raise Http404
    return found


def _esecure_check(request, invitation) -> None:
    """The eSecure right (else 403), on the invitation's account (else 404)."""
    scope = selectors.esecure_scope(request.membership)
    if not scope:
        raise PermissionDenied
    if invitation.protected_account_id not in scope.ids:
        raise Http404


def _invitation_action(request, invitation, act) -> HttpResponse:
    try:
        messages.success(request, act(invitation))
    except ValidationError as error:
        service_messages(request, error)
    return redirect("approvals:admin-list")


@company_required
@object_view(_invitation_or_404, methods=WRITE_ONLY, check=_esecure_check)
def admin_invitation_resend(request, invitation):
    def act(invitation) -> str:
        services.admin_invitation_resend(
            invitation=invitation, actor=request.user, ip_address=client_ip(request)
        )
        return str(INVITATION_SENT)

    return _invitation_action(request, invitation, act)


@company_required
@object_view(_invitation_or_404, methods=WRITE_ONLY, check=_esecure_check)
def admin_invitation_withdraw(request, invitation):
    def act(invitation) -> str:
        services.admin_invitation_withdraw(
            invitation=invitation, actor=request.user, ip_address=client_ip(request)
        )
        return _("Invitation de %(email)s retirée : son lien ne sert plus.") % {
            "email": invitation.email
        }

    return _invitation_action(request, invitation, act)


@require_POST
@esecure_admin_required
def admin_status(request, scope: EsecureScope):
    active = request.POST.get("action") == "activate"

    def act(admins) -> str:
        changed = services.admins_set_status(
            admins=admins, active=active, actor=request.user, ip_address=client_ip(request)
        )
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
        return text % {"count": changed}

    return list_action(request, scope, ADMINS, act)
