"""What the four eSecure tabs share: the access gate, list pages (filters, sort, 25 a page read
by keyset, CSV of the filtered list streamed) and the handling of posted selections."""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.permissions import company_required
from common.csv import csv_datetime, csv_streaming_response
from common.pagination import CURSOR_PARAMS, keyset_chunks, keyset_page
from common.views import Column, service_errors, sort_headers

from ... import selectors
from ...models import ProtectedAccount
from ...selectors import EsecureScope

PAGE_SIZE = 25


def esecure_admin_required(view):
    """Signed in with a selected company, and active customer admin of at least one of its
    protected accounts (else 403). The view receives that scope."""

    @company_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        scope = selectors.esecure_scope(request.membership)
        if not scope:
            raise PermissionDenied
        request.esecure_admin = True  # known now: spares the navigation its query
        return view(request, scope, *args, **kwargs)

    return wrapper


# --- Shared list machinery --------------------------------------------------------------------


@dataclass(frozen=True)
class ListSpec:
    """One tab's list: what it shows and sorts, its CSV, and the action its rows post to."""

    tab: str
    template: str
    row_template: str  # one <tr>, also answered alone after an action
    form_class: type
    select: Callable[..., QuerySet]
    get: Callable[..., list | None]  # the posted ids in scope, or None (→ 404)
    columns: list[Column]  # the table's headers (some cells show two facts)
    default_sort: str
    csv_name: str
    csv_header: list  # one column per fact, as in the guide
    csv_row: Callable
    list_url: str  # URL names
    action_url: str


def list_page(
    request, scope: EsecureScope, spec: ListSpec, **extra
) -> HttpResponse | StreamingHttpResponse:
    form = spec.form_class(request.GET or None, scope=scope)
    filters = form.cleaned_data if form.is_valid() else {}
    sort = request.GET.get("sort") or spec.default_sort
    rows = spec.select(scope=scope, filters=filters, sort=sort)
    if request.GET.get("format") == "csv":
        return csv_streaming_response(
            filename=spec.csv_name,
            header=[str(label) for label in spec.csv_header],
            rows=(spec.csv_row(obj) for obj in keyset_chunks(rows, size=2000)),
        )
    page = keyset_page(request, rows, per_page=PAGE_SIZE)
    query = request.GET.copy()  # the page's own address: actions come back to it
    query.pop("format", None)
    csv_query = query.copy()
    for param in CURSOR_PARAMS:
        csv_query.pop(param, None)
    csv_query["format"] = "csv"
    return render(
        request,
        spec.template,
        {
            "tab": spec.tab,
            "form": form,
            "filtered": any(v not in (None, "") for v in filters.values()),
            "page_obj": page,
            "headers": sort_headers(request, spec.columns, sort),
            "query_string": query.urlencode(),
            "csv_url": f"?{csv_query.urlencode()}",
            "row_template": spec.row_template,
            "action_url": reverse(spec.action_url),
            "pending_count": selectors.sender_pending_count(scope=scope),
            "single_account": len(scope.choices) == 1,
            **extra,
        },
    )


def when(value) -> str:
    """The CSV cell of a moment: the same instant and zone as the page (not UTC)."""
    return csv_datetime(value)


def who(user) -> str:
    return user.display_name if user else ""


# --- Row and bulk actions ---------------------------------------------------------------------


def posted_ids(request) -> list[int]:
    raw = request.POST.getlist("ids")
    if not all(value.isdigit() for value in raw):
        raise Http404
    return [int(value) for value in raw]


def list_action(request, scope: EsecureScope, spec: ListSpec, act: Callable[[list], str]):
    """A row's form or the bulk form posted: the ticked objects (404 if one is out of scope) go
    to `act`, which calls the service and says what it did; a refusal (ValidationError) is
    said instead."""
    ids = posted_ids(request)
    objects = spec.get(scope=scope, ids=ids) if ids else []
    if objects is None:
        raise Http404
    if not objects:
        message = _("Sélectionnez au moins une ligne.")
        return _action_done(request, scope, spec, ids=[], message=message, tone="warning")
    try:
        message, tone = act(objects), "success"
    except ValidationError as exc:
        message, tone = " ".join(exc.messages), "error"
    return _action_done(request, scope, spec, ids=ids, message=message, tone=tone)


def _action_done(request, scope, spec: ListSpec, *, ids: list[int], message: str, tone: str):
    """Without JavaScript: the message, then back to the list with the filters, sort and page it
    was posted from. With htmx: the posted rows as they now are, the pending count and the
    message, each swapped in place (a refusal of one row is also shown in that row)."""
    back = QueryDict(request.POST.get("back", "")).urlencode()
    if not request.htmx:
        getattr(messages, tone)(request, message)
        return redirect(reverse(spec.list_url) + (f"?{back}" if back else ""))
    rows = spec.select(scope=scope, filters={}, sort=spec.default_sort).filter(pk__in=ids)
    context = {
        "rows": rows if ids else [],
        "row_template": spec.row_template,
        "action_url": reverse(spec.action_url),
        "query_string": back,
        "row_error": message if tone == "error" and len(ids) == 1 else "",
        "message": message,
        "tone": tone,
        "pending_count": selectors.sender_pending_count(scope=scope),
    }
    return render(request, "approvals/area/_action_done.html", context)


def account_or_404(scope: EsecureScope, pk: int | None) -> ProtectedAccount:
    accounts = selectors.accounts_get(scope=scope, ids=[pk]) if pk else None
    if not accounts:
        raise Http404
    return accounts[0]


def add_page(request, scope, *, form_class, template: str, tab: str, save, success_url: str):
    """GET shows the form, POST calls `save(form, protected)` and goes back to the list."""
    form = form_class(request.POST or None, scope=scope)
    if request.method == "POST" and form.is_valid():
        protected = account_or_404(scope, form.cleaned_data["account"])
        try:
            message = save(form, protected)
        except ValidationError as exc:
            service_errors(form, exc)
        else:
            messages.success(request, message)
            return redirect(success_url)
    context = {
        "form": form,
        "tab": tab,
        "pending_count": selectors.sender_pending_count(scope=scope),
    }
    return render(request, template, context)


# --- Column labels shared by the tabs --------------------------------------------------------

ACCOUNT = gettext_lazy("Numéro de compte")
EMAIL = gettext_lazy("Identifiant e-mail")
ORIGIN = gettext_lazy("Origine")
STATUS = gettext_lazy("Statut")
COMPANY = gettext_lazy("Société")
ASSIGNED_BY = gettext_lazy("Assigné par")
MODIFIED = gettext_lazy("Date de modification")
# In tables, one cell shows when a row was modified and, below, who assigned it.
MODIFIED_COLUMN = Column(gettext_lazy("Modifié"), "modified")
ACCOUNT_COLUMN = Column(gettext_lazy("N° de compte"), "account")
