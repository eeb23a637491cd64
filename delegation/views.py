from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts import selectors
from accounts.models import MembershipKind
from accounts.services import client_ip

from . import services
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
