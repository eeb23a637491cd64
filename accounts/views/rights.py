"""A standard user's rights per application: overview, edit one application, copy rights (from
the acting administrator or another user), always under the acting administrator's ceiling."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from common.elision import elide

from ..forms.users import CopySourceForm, RightsForm
from ..models import (
    Application,
    BillingAddress,
    CustomerAccount,
    Membership,
    Permission,
    Product,
    ServiceType,
)
from ..permissions import Ceiling, Scope, admin_object_view, held_rights
from ..selectors import users as selectors
from ..services.audit import client_ip
from ..services.grants import rights_copy_preview, rights_set
from .users import member_or_404

SUMMARY_LENGTH = 4  # items named per dimension in a summary, then « and N more »


def _application_or_404(request, code: str) -> Application:
    try:
        return selectors.enabled_application_get(company=request.company, code=code)
    except Application.DoesNotExist:
        raise Http404 from None


def _names(company, applications: list[Application]) -> dict[str, dict[int, str]]:
    """Readable names of every scope item the overview may mention, in four queries."""
    return {
        "accounts": dict(CustomerAccount.objects.for_company(company).values_list("pk", "number")),
        "billing_addresses": dict(
            BillingAddress.objects.for_company(company).values_list("pk", "name")
        ),
        "products": {p.pk: p.label for p in Product.objects.filter(application__in=applications)},
        "service_types": {
            t.pk: t.label for t in ServiceType.objects.filter(application__in=applications)
        },
    }


def _summary(scope: Scope, names: dict[str, dict[int, str]]) -> list[dict]:
    """Per dimension: a few names and how many more, for a one-line « where »."""
    parts = []
    for dim, items in selectors.scope_summary(scope, names).items():
        if items:
            parts.append(
                {
                    "dimension": dim,
                    "items": items[:SUMMARY_LENGTH],
                    "more": max(0, len(items) - SUMMARY_LENGTH),
                }
            )
    return parts


def _rows(
    rights: dict[int, Scope], permissions: dict[int, Permission], names, origins
) -> list[dict]:
    ordered = sorted(rights, key=lambda pk: (permissions[pk].position, pk))
    return [
        {
            "permission": permissions[pk],
            "where": _summary(rights[pk], names),
            "origin": origins.get(pk),
        }
        for pk in ordered
    ]


def _copy_saves(
    membership: Membership, application: Application, ceiling: Ceiling, permission_ids
) -> bool:
    """« Copy all my rights » is offered only where its preview could be saved. The actor's own
    holdings count only active accounts of the company with the application enabled, and the
    preview keeps only what the ceiling allows, so what the save can still refuse is the
    combination (the profile matrix): there, the very preview and checks of the copy decide."""
    if not any(pk in ceiling.held for pk in permission_ids):
        return False
    if not application.uses_profiles:
        return True
    preview = rights_copy_preview(
        source=ceiling.held, membership=membership, application=application, ceiling=ceiling
    )
    return bool(preview.added) and not preview.errors


def _deactivated(membership: Membership) -> bool:
    return not (membership.is_active and membership.user.is_active)


@admin_object_view(member_or_404)
def user_rights(request, membership: Membership):
    ceiling = Ceiling.for_request(request)
    applications = selectors.enabled_application_list(company=request.company)
    permissions = {
        p.pk: p for p in Permission.objects.filter(application__in=applications, is_active=True)
    }
    rights = selectors.member_rights(membership=membership)
    origins = selectors.right_origin_map(membership=membership)
    names = _names(request.company, applications)
    rows = []
    for application in applications:
        own = {pk for pk, p in permissions.items() if p.application_id == application.pk}
        held = {pk: scope for pk, scope in rights.items() if pk in own}
        rows.append(
            {
                "application": application,
                "rights": _rows(held, permissions, names, origins),
                "copy_offered": _copy_saves(membership, application, ceiling, own),
            }
        )
    sources = selectors.copy_source_list(
        company=request.company, exclude_user_id=membership.user_id
    )
    return render(
        request,
        "accounts/rights/overview.html",
        {
            "membership": membership,
            "person": membership.user,
            "rows": rows,
            "deactivated": _deactivated(membership),
            "copy_form": CopySourceForm(sources=sources, applications=applications),
            "handed_on": selectors.handed_on_right_list(membership=membership),
        },
    )


def _profile_matrix(choices) -> dict | None:
    """The Parcels International profile matrix, as help beside the form."""
    if not choices.profiles:
        return None
    rules = {
        profile.pk: {r.permission_id: r.requirement for r in profile.rules.all()}
        for profile in choices.profiles
    }
    return {
        "profiles": choices.profiles,
        "rows": [
            {
                "permission": permission,
                "cells": [rules[profile.pk].get(permission.pk, "") for profile in choices.profiles],
            }
            for permission in choices.permissions
        ],
        "service_types": [
            sorted(t.number for t in profile.service_types.all() if t.number is not None)
            for profile in choices.profiles
        ],
    }


@admin_object_view(member_or_404)
def user_rights_edit(request, membership: Membership, app_code: str):
    """One application's rights. Saved with htmx (when scripts run), the answer is this section
    alone, from what is now saved, with what happened; without, back to the overview."""
    application = _application_or_404(request, app_code)
    ceiling = Ceiling.for_request(request)
    choices = selectors.rights_choices(company=request.company, application=application)
    current = selectors.member_rights(membership=membership, application=application)
    data = request.POST if request.method == "POST" else None  # all unticked: still a POST
    form = RightsForm(data, choices=choices, ceiling=ceiling, current=current)
    errors: list[str] = []
    saved = tone = ""
    if request.method == "POST":
        errors, saved, tone = _rights_save(request, form, membership, application, ceiling)
        if saved and not request.htmx:
            getattr(messages, tone)(request, saved)
            return redirect("accounts:user-rights", pk=membership.user_id)
        if saved:  # the section again, as now saved
            current = selectors.member_rights(membership=membership, application=application)
            form = RightsForm(None, choices=choices, ceiling=ceiling, current=current)
    context = {
        "membership": membership,
        "person": membership.user,
        "application": application,
        "form": form,
        "errors": errors,
        "saved": saved,
        "tone": tone,
        "matrix": _profile_matrix(choices),
        "deactivated": _deactivated(membership),
        "copy_offered": _copy_saves(
            membership, application, ceiling, [p.pk for p in choices.permissions]
        ),
    }
    template = "accounts/rights/_section.html" if request.htmx else "accounts/rights/edit.html"
    return render(request, template, context)


def _rights_save(request, form, membership, application, ceiling) -> tuple[list[str], str, str]:
    """Calls the service with the form's rights: its refusal (errors), else what happened and
    its tone (saved, or no change)."""
    if not form.is_valid():
        return [str(message) for field in form.errors.values() for message in field], "", ""
    try:
        change = rights_set(
            membership=membership,
            application=application,
            rights=form.rights(),
            actor=request.user,
            ip_address=client_ip(request),
        )
    except ValidationError as exc:
        return exc.messages, "", ""
    if not change:
        return [], _("Aucun changement."), "info"
    message = elide(
        _("Les droits %(application)s de %(username)s sont enregistrés.")
        % {"application": application.label, "username": membership.user.username}
    )
    return [], message, "success"


def _copy_source(request, membership: Membership, ceiling):
    """Whose rights to copy: ?from=<user id of the company>, else the acting administrator."""
    raw = request.POST.get("from") or request.GET.get("from")
    if not raw:
        return ceiling.held, None
    try:
        source_id = int(raw)
    except ValueError:
        raise Http404 from None
    source = member_or_404(request, source_id)
    return held_rights(membership=source), source.user


@admin_object_view(member_or_404)
def user_rights_copy(request, membership: Membership, app_code: str):
    application = _application_or_404(request, app_code)
    ceiling = Ceiling.for_request(request)
    source, source_user = _copy_source(request, membership, ceiling)
    preview = rights_copy_preview(
        source=source, membership=membership, application=application, ceiling=ceiling
    )
    errors = list(preview.errors)
    if request.method == "POST" and preview.added and not errors:
        try:
            rights_set(
                membership=membership,
                application=application,
                rights=preview.rights,
                actor=request.user,
                ip_address=client_ip(request),
                copied_from=(source_user or request.user).username,
            )
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(
                request,
                _("Les droits %(application)s sont copiés pour %(username)s.")
                % {"application": application.label, "username": membership.user.username},
            )
            return redirect("accounts:user-rights", pk=membership.user_id)
    elif request.method == "POST" and not preview.added:
        messages.info(request, _("Rien à copier : aucun droit ne serait ajouté."))
        return redirect("accounts:user-rights", pk=membership.user_id)
    names = selectors.rights_choices(company=request.company, application=application).names()
    added = [
        {"permission": permission, "where": _summary(scope, names)}
        for permission, scope in sorted(preview.added, key=lambda pair: pair[0].position)
    ]
    return render(
        request,
        "accounts/rights/copy.html",
        {
            "membership": membership,
            "person": membership.user,
            "application": application,
            "source_user": source_user,
            "added": added,
            "dropped": preview.dropped,
            "errors": errors,
        },
    )


@admin_object_view(member_or_404)
def user_rights_copy_choose(request, membership: Membership):
    """The overview's « copy the rights of user… » form: on to that application's preview."""
    pk = membership.user_id
    form = CopySourceForm(
        request.GET,
        sources=selectors.copy_source_list(company=request.company, exclude_user_id=pk),
        applications=selectors.enabled_application_list(company=request.company),
    )
    if not form.is_valid():
        messages.error(request, _("Choisissez un utilisateur et une application."))
        return redirect("accounts:user-rights", pk=pk)
    url = reverse("accounts:user-rights-copy", args=[pk, form.cleaned_data["app"]])
    return redirect(f"{url}?{urlencode({'from': form.cleaned_data['from']})}")
