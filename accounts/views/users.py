"""Standard users ("Mes utilisateurs"): list, create, create a technical user, edit,
deactivate, reactivate. Every person is looked up through a membership of the selected company
(another company's person answers 404)."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.elision import elide
from common.pagination import CURSOR_PARAMS, keyset_page
from common.views import Column, service_errors, service_messages, sort_headers

from ..forms.users import TechnicalUserForm, UserCreateForm, UserEditForm, UserListFilterForm
from ..models import Membership, MembershipKind, MembershipStatus
from ..permissions import (
    WRITE_ONLY,
    Ceiling,
    admin_object_view,
    admin_required,
    management_errors,
)
from ..selectors import users as selectors
from ..services import users as services
from ..services.audit import client_ip

PAGE_SIZE = 25
SORT_COLUMNS = (
    Column(gettext_lazy("Nom d'utilisateur"), "username"),
    Column(gettext_lazy("Nom"), "name"),
    Column(gettext_lazy("Adresse e-mail"), "email"),
    Column(gettext_lazy("Créé par"), "created_by"),
)


def member_or_404(request, pk: int) -> Membership:
    """A standard user of the selected company, or 404 (never another company's person)."""
    try:
        return selectors.standard_membership_get(company=request.company, user_id=pk)
    except Membership.DoesNotExist:
        raise Http404 from None


@admin_required
def user_list(request):
    form = UserListFilterForm(request.GET)
    valid = form.is_valid()
    query = form.cleaned_data.get("q", "") if valid else ""
    deactivated = bool(form.cleaned_data.get("deactivated")) if valid else False
    sort = request.GET.get("sort", "username")
    if sort.lstrip("-") not in selectors.USER_SORTS:
        sort = "username"
    memberships = selectors.standard_membership_list(
        company=request.company, query=query, sort=sort, deactivated=deactivated
    )
    page = keyset_page(request, memberships, per_page=PAGE_SIZE)
    for membership in page.object_list:
        membership.is_deactivated = (
            membership.status == MembershipStatus.DEACTIVATED or not membership.user.is_active
        )
    query_string = request.GET.copy()
    for param in CURSOR_PARAMS:
        query_string.pop(param, None)
    return render(
        request,
        "accounts/users/list.html",
        {
            "form": form,
            "page_obj": page,
            "query_string": query_string.urlencode(),
            "headers": sort_headers(request, SORT_COLUMNS, sort),
            "searching": bool(query),
            "show_legend": any(m.elsewhere for m in page.object_list),
        },
    )


@admin_required
def user_create(request):
    ceiling = Ceiling.for_request(request)
    form = UserCreateForm(request.POST or None, ceiling=ceiling, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.user_create(
                company=request.company,
                actor=request.user,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
                details=form.details(),
                management=form.management_wanted(),
                ip_address=client_ip(request),
            )
        except ValidationError as exc:
            service_errors(form, exc)
        else:
            messages.success(
                request,
                _(
                    "Le compte %(username)s est créé et son nom d'utilisateur est parti par "
                    "e-mail. Ce compte n'a encore aucun droit sur les applications : donnez-en "
                    "ci-dessous."
                )
                % {"username": membership.user.username},
            )
            return redirect("accounts:user-rights", pk=membership.user_id)
    return render(request, "accounts/users/create.html", {"form": form})


def _key_page(request, membership: Membership, key: str, *, created: bool):
    response = render(
        request,
        "accounts/users/technical_key.html",
        {
            "membership": membership,
            "key": key,
            "created": created,
            "grace_hours": settings.API_KEY_GRACE_HOURS,
        },
    )
    add_never_cache_headers(response)
    return response


@admin_required
def user_create_technical(request):
    form = TechnicalUserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            membership, key = services.user_create_technical(
                company=request.company,
                actor=request.user,
                username=form.cleaned_data["username"],
                label=form.cleaned_data["label"],
                email=form.cleaned_data["email"],
                ip_address=client_ip(request),
            )
        except ValidationError as exc:
            service_errors(form, exc)
        else:
            return _key_page(request, membership, key, created=True)
    return render(request, "accounts/users/create_technical.html", {"form": form})


@admin_object_view(member_or_404)
def user_edit(request, membership: Membership):
    ceiling = Ceiling.for_request(request)
    form = UserEditForm(
        request.POST or None, membership=membership, ceiling=ceiling, actor=request.user
    )
    blocked = (
        []
        if membership.user_id == request.user.pk
        else management_errors(ceiling=ceiling, target=membership, wanted={})
    )
    if blocked:  # shown, not changeable: the service would refuse anyway
        for field in form.fields.values():
            field.disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            services.user_update(
                membership=membership,
                actor=request.user,
                details=form.details(),
                management=form.management_wanted(),
                ip_address=client_ip(request),
            )
        except ValidationError as exc:
            service_errors(form, exc)
        else:
            messages.success(
                request,
                elide(
                    _("Les données de %(username)s sont enregistrées.")
                    % {"username": membership.user.username}
                ),
            )
            return redirect("accounts:user-list")
    return render(
        request,
        "accounts/users/edit.html",
        {
            "form": form,
            "membership": membership,
            "person": membership.user,
            "blocked": blocked,
            "technical": membership.kind == MembershipKind.TECHNICAL,
        },
    )


def _change_status(request, membership: Membership, *, service, done: str):
    try:
        service(
            membership=membership,
            actor=request.user,
            ip_address=client_ip(request),
        )
    except ValidationError as exc:
        service_messages(request, exc)
    else:
        messages.success(request, done % {"username": membership.user.username})
    return redirect(f"{reverse('accounts:user-list')}?deactivated=1")


@admin_object_view(member_or_404, methods=WRITE_ONLY)
def user_deactivate(request, membership: Membership):
    return _change_status(
        request,
        membership,
        service=services.user_deactivate,
        done=_(
            "Compte %(username)s désactivé : plus de connexion ni de droits dans cette société. "
            "Ses droits sont conservés et reviendront à sa réactivation."
        ),
    )


@admin_object_view(member_or_404, methods=WRITE_ONLY)
def user_reactivate(request, membership: Membership):
    return _change_status(
        request,
        membership,
        service=services.user_reactivate,
        done=_("%(username)s est réactivé : ses droits comptent de nouveau."),
    )


@admin_object_view(member_or_404, methods=WRITE_ONLY)
def technical_key_regenerate(request, membership: Membership):
    try:
        key = services.technical_key_regenerate(
            membership=membership,
            actor=request.user,
            ip_address=client_ip(request),
        )
    except ValidationError as exc:
        service_messages(request, exc)
        return redirect("accounts:user-edit", pk=membership.user_id)
    return _key_page(request, membership, key, created=False)
