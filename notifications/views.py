from django.contrib.auth.decorators import login_required, user_passes_test
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.views.decorators.clickjacking import xframe_options_sameorigin

from . import selectors, services


@login_required
def inbox(request):
    page = Paginator(selectors.message_list(user=request.user), 25).get_page(
        request.GET.get("page")
    )
    return render(
        request, "notifications/message_list.html", {"page_obj": page, "query_string": ""}
    )


@login_required
def message_detail(request, pk: int):
    message = get_object_or_404(selectors.message_list(user=request.user), pk=pk)
    services.message_mark_read(message=message)
    return render(request, "notifications/message_detail.html", {"message": message})


def _is_active_staff(user) -> bool:
    if user.is_authenticated and not (user.is_active and user.is_staff):
        raise PermissionDenied
    return user.is_authenticated


# Carrier support staff only: anonymous → sign-in, anyone else → 403.
staff_required = user_passes_test(_is_active_staff)


@staff_required
def outbox(request):
    emails = selectors.outbox_list(search=request.GET.get("q", ""))
    page = Paginator(emails, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "notifications/outbox_list.html",
        {"page_obj": page, "query_string": query.urlencode(), "q": request.GET.get("q", "")},
    )


@staff_required
def outbox_detail(request, pk: int):
    email = get_object_or_404(selectors.outbox_list(), pk=pk)
    return render(request, "notifications/outbox_detail.html", {"email": email})


@staff_required
@xframe_options_sameorigin
def outbox_html(request, pk: int):
    """The HTML part alone, framed by the detail page; its own strict policy, no scripts."""
    email = get_object_or_404(selectors.outbox_list(), pk=pk)
    response = render(request, "notifications/outbox_html.html", {"email": email})
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'"
    )
    return response
