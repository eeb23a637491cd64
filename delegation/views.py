from collections import Counter
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import selectors
from accounts.forms.users import RightsForm
from accounts.models import Application, Company, Grant, MembershipKind
from accounts.permissions import WRITE_ONLY, Ceiling, Scope, admin_object_view, admin_required
from accounts.selectors import enabled_application_get, enabled_application_list, rights_choices
from accounts.services import client_ip
from common.elision import elide
from common.views import service_messages

from . import selectors as delegation_selectors
from . import services
from .forms import HandOnForm, RouterEndForm
from .middleware import SESSION_KEY


def _safe_next(request, default: str = "/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or default
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


@login_required
def company_select(request):
    memberships = selectors.membership_list_for_user(user=request.user)
    own = [m for m in memberships if m.kind != MembershipKind.PROVIDER]
    third_party = [m for m in memberships if m.kind == MembershipKind.PROVIDER]
    return render(
        request,
        "delegation/company_select.html",
        {
            "own_memberships": own,
            "third_party_memberships": third_party,
            "next": _safe_next(request, default=""),
        },
    )


@login_required
@require_POST
def company_switch(request):
    """Selects the company to act for; only one of the person's active memberships is accepted."""
    try:
        company_id = int(request.POST.get("company", ""))
    except ValueError:
        raise Http404 from None
    membership = services.company_select(
        user=request.user, company_id=company_id, ip_address=client_ip(request)
    )
    if membership is None:
        raise Http404
    request.session[SESSION_KEY] = company_id
    return redirect(_safe_next(request))


# --- Routers: the customer's side ---------------------------------------------------------------

ROUTERS_PAGE_SIZE = 25


def _router_or_404(request, pk: int) -> Company:
    """A router of the directory (any company's administrator may give it rights)."""
    try:
        return delegation_selectors.router_get(pk=pk)
    except Company.DoesNotExist:
        raise Http404 from None


@admin_required
def router_list(request):
    """« Routeurs »: the routers this company works with, and the directory to pick from."""
    search = request.GET.get("q", "")
    page = Paginator(delegation_selectors.router_directory(search=search), ROUTERS_PAGE_SIZE)
    query = request.GET.copy()
    query.pop("page", None)
    partners = delegation_selectors.router_partner_list(company=request.company)
    return render(
        request,
        "delegation/routers/list.html",
        {
            "partners": partners,
            "partner_ids": {p.company.pk for p in partners},
            "page_obj": page.get_page(request.GET.get("page")),
            "query_string": query.urlencode(),
            "q": search,
        },
    )


@admin_object_view(_router_or_404)
def router_rights(request, router: Company):
    """What one router holds from this company, per application, with a link to change each."""
    partner = delegation_selectors.router_partner_get(company=request.company, router=router)
    given = Counter(g.permission.application_id for g in partner.grants)
    return render(
        request,
        "delegation/routers/rights.html",
        {
            "router": router,
            "partner": partner,
            "applications": [
                {"application": app, "given": given[app.pk]}
                for app in enabled_application_list(company=request.company)
            ],
        },
    )


@admin_object_view(_router_or_404)
def router_rights_edit(request, router: Company, app_code: str):
    """One application's rights for a router, in the same editor as for a user, under the
    admin's ceiling; an optional end date."""
    try:
        application = enabled_application_get(company=request.company, code=app_code)
    except Application.DoesNotExist:
        raise Http404 from None
    ceiling = Ceiling.for_request(request)
    choices = rights_choices(company=request.company, application=application)
    current = delegation_selectors.router_current_rights(
        company=request.company, router=router, application=application
    )
    data = request.POST if request.method == "POST" else None
    form = RightsForm(data, choices=choices, ceiling=ceiling, current=current)
    end_form = RouterEndForm(data, initial=_current_end(request.company, router))
    errors: list[str] = []
    if request.method == "POST":
        if form.is_valid() and end_form.is_valid():
            try:
                services.router_rights_set(
                    company=request.company,
                    router=router,
                    application=application,
                    rights=form.rights(),
                    ends_at=end_form.ends_at(),
                    actor=request.user,
                    ip_address=client_ip(request),
                )
            except ValidationError as exc:
                errors = exc.messages
            else:
                messages.success(
                    request,
                    elide(
                        _("Droits %(application)s de %(router)s enregistrés.")
                        % {"application": application.label, "router": router.name}
                    ),
                )
                target = reverse("delegation:router-rights", kwargs={"pk": router.pk})
                if request.htmx:  # a full page follows a save, as without scripts
                    return HttpResponse(headers={"HX-Redirect": target})
                return redirect(target)
        else:
            errors = [str(m) for f in (form, end_form) for e in f.errors.values() for m in e]
    return render(
        request,
        "delegation/routers/_section.html" if request.htmx else "delegation/routers/edit.html",
        {
            "router": router,
            "application": application,
            "form": form,
            "end_form": end_form,
            "errors": errors,
        },
    )


def _current_end(company, router) -> dict:
    partner = delegation_selectors.router_partner_get(company=company, router=router)
    return {"ends_on": partner.ends_at.date() if partner.ends_at else None}


@admin_object_view(_router_or_404, methods=WRITE_ONLY)
def router_withdraw(request, router: Company):
    cascade = services.router_rights_withdraw(
        company=request.company, router=router, actor=request.user, ip_address=client_ip(request)
    )
    messages.success(
        request,
        elide(
            _("Les droits de %(router)s sont retirés, avec ce qu'il avait transmis (%(count)s).")
            % {"router": router.name, "count": len(cascade.revoked)}
        ),
    )
    return redirect("delegation:router-list")


# --- Routers: the router's side -----------------------------------------------------------------


def _router_company_required(view):
    """An administrator of a router company (else 404: the page does not exist for others)."""

    @admin_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.company.is_router:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


@_router_company_required
def received_list(request):
    """« Droits reçus de clients »: per customer, accept or refuse, hand on, give up."""
    return render(
        request,
        "delegation/routers/received.html",
        {
            "customers": delegation_selectors.received_list(router=request.company),
            "people": delegation_selectors.hand_on_candidate_list(router=request.company),
        },
    )


def _customer_or_404(request, pk: int) -> Company:
    """A customer that gave rights to the selected company, a router (else the page does not
    exist: 404)."""
    if not request.company.is_router:
        raise Http404
    try:
        return delegation_selectors.received_customer_get(router=request.company, customer_id=pk)
    except Company.DoesNotExist:
        raise Http404 from None


def _received_grant_or_404(request, pk: int) -> Grant:
    """A right the selected company, a router, received from a customer."""
    if not request.company.is_router:
        raise Http404
    try:
        return delegation_selectors.received_grant_get(router=request.company, pk=pk)
    except Grant.DoesNotExist:
        raise Http404 from None


@admin_object_view(_customer_or_404, methods=WRITE_ONLY)
def received_decide(request, customer: Company):
    action = request.POST.get("action")
    service = {
        "accept": services.router_rights_accept,
        "refuse": services.router_rights_refuse,
        "give_up": services.router_rights_give_up,
    }.get(action or "")
    if service is None:
        raise Http404
    try:
        service(
            router=request.company,
            customer=customer,
            actor=request.user,
            ip_address=client_ip(request),
        )
    except ValidationError as exc:
        service_messages(request, exc)
    else:
        done = {
            "accept": _("Droits de %(customer)s acceptés."),
            "refuse": _("Droits de %(customer)s refusés."),
            "give_up": _("Droits de %(customer)s abandonnés, avec ce que vous aviez transmis."),
        }[action or ""]
        messages.success(request, elide(done % {"customer": customer.name}))
    return redirect("delegation:received-list")


@admin_object_view(_received_grant_or_404, methods=WRITE_ONLY)
def received_hand_on(request, parent: Grant):
    """Hands on (part of) a received right to one of the router's people; no account: take back."""
    people = {m.pk: m for m in delegation_selectors.hand_on_candidate_list(router=request.company)}
    form = HandOnForm(request.POST, people=people)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("delegation:received-list")
    try:
        services.rights_hand_on(
            membership=people[form.cleaned_data["person"]],
            parent=parent,
            scope=Scope.of(accounts=form.cleaned_data["accounts"]),
            actor=request.user,
            ip_address=client_ip(request),
        )
    except ValidationError as exc:
        service_messages(request, exc)
    else:
        messages.success(request, _("Droit transmis enregistré."))
    return redirect("delegation:received-list")
