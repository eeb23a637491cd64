from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.views import PasswordResetConfirmView
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _

from common.csv import csv_datetime, csv_streaming_response
from common.pagination import CURSOR_PARAMS, keyset_chunks, keyset_page

from .. import selectors, services
from ..adapters import INACTIVE_USER_SESSION_KEY
from ..audit_sentences import audit_entries, audit_entries_chunked
from ..forms import AuditFilterForm, PasswordForgotForm
from ..models import AuditKind
from ..permissions import admin_required
from ..services import limits


@login_required
def password_change(request):
    forced = request.user.must_change_password
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.user_password_change(
            user=request.user,
            password=form.cleaned_data["new_password1"],
            actor=request.user,
            ip_address=services.client_ip(request),
        )
        update_session_auth_hash(request, request.user)
        messages.success(request, _("Votre mot de passe a été modifié."))
        return redirect(settings.LOGIN_REDIRECT_URL)
    return render(
        request,
        "accounts/password_change.html",
        {"form": form, "forced": forced, "password_min_length": settings.PASSWORD_MIN_LENGTH},
    )


def password_forgot(request):
    form = PasswordForgotForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        login = form.cleaned_data["login"].strip().lower()
        if not limits.limit_consume(request, action=limits.RESET_PASSWORD, login=login):
            form.add_error(None, limits.recovery_locked_message(request, login=login))
        else:
            services.password_recovery_request(login=login, ip_address=services.client_ip(request))
            return redirect("accounts:password-forgot-sent")
    return render(request, "accounts/password_forgot.html", {"form": form})


def password_forgot_sent(request):
    return render(request, "accounts/password_forgot_sent.html")


class PasswordResetConfirm(PasswordResetConfirmView):
    """Django's view keeps the token out of the URL after the first GET; we add the audit row.

    A class here, against the house habit of function views: Django's token handling is worth
    reusing as is.
    """

    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password-reset-done")

    def form_valid(self, form):
        services.user_password_reset(
            user=form.user,
            password=form.cleaned_data["new_password1"],
            ip_address=services.client_ip(self.request),
        )
        del self.request.session["_password_reset_token"]
        limits.limit_clear_person(self.request, action=limits.LOGIN_FAILED, user_id=form.user.pk)
        return redirect(self.success_url)


def password_reset_done(request):
    return render(request, "accounts/password_reset_done.html")


@admin_required
def audit_list(request):
    form = AuditFilterForm(request.GET)
    events = form.filter(selectors.audit_event_list(company=request.company))
    query = request.GET.copy()
    for param in CURSOR_PARAMS:
        query.pop(param, None)
    # Labels translated once (get_kind_display translates every choice on each call).
    kinds = {kind: str(label) for kind, label in AuditKind.choices}
    if request.GET.get("format") == "csv":
        return csv_streaming_response(
            filename=f"audit-{request.company.pk}.csv",
            header=[
                _("Date"),
                _("Auteur"),
                _("Événement"),
                _("Description"),
                _("Changements"),
                _("Adresse IP"),
            ],
            rows=(
                [
                    csv_datetime(entry.created_at),
                    entry.actor,
                    entry.label,
                    entry.sentence,
                    entry.changes_text,
                    entry.ip_address or "",
                ]
                for entry in audit_entries_chunked(keyset_chunks(events, size=2000))
            ),
        )
    page = keyset_page(request, events, per_page=50)
    for event in page:
        event.kind_label = kinds.get(event.kind, event.kind)
    return render(
        request,
        "accounts/audit_list.html",
        {
            "form": form,
            "page_obj": page,
            "entries": audit_entries(page.object_list),
            "query_string": query.urlencode(),
        },
    )


def account_inactive(request):
    """After the right password of a deactivated person (allauth sends them here): their session
    ends, and they are told whom to ask — their companies' administrators by name and e-mail —
    and the support. A GET never signs out anyone else (a link or an image could)."""
    user_id = request.session.pop(INACTIVE_USER_SESSION_KEY, None)
    contacts = selectors.admin_contacts_for(user_id=user_id) if user_id else []
    if user_id:
        logout(request)
    return render(
        request,
        "account/account_inactive.html",
        {
            "contacts": contacts,
            "support_email": settings.SUPPORT_EMAIL,
            "support_phone": settings.SUPPORT_PHONE,
        },
    )
