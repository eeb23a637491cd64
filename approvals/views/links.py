"""E-mailed approve/reject links. Mail scanners open links: GET and HEAD only show the request
and a confirm button; only the POST from that page decides."""

from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accounts.services import client_ip

from ..services import decisions


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def decision_link(request, key: str):
    if request.method == "POST":
        state, just_decided = decisions.link_decide(key=key, ip_address=client_ip(request))
    else:
        state = decisions.link_lookup(key=key)
        just_decided = False
    status = 404 if state.state == "unknown" else 200
    response = render(
        request,
        f"approvals/link_{state.state}.html",
        {
            "link": state.link,
            "request_obj": state.link.request if state.link else None,
            "just_decided": just_decided,
        },
        status=status,
    )
    response["X-Robots-Tag"] = "noindex"
    return response
