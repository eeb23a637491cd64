"""View helpers every app's pages share: sortable table headers, and a service's
`ValidationError` put on the form that called it, or in the page's messages. Django only: no
app of ours is imported."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.utils.functional import Promise

from .pagination import CURSOR_PARAMS


@dataclass(frozen=True)
class Column:
    """A table column: its header, and the `sort` key it orders by ("" when it does not)."""

    label: str | Promise
    sort: str = ""


def sort_headers(request, columns: Iterable[Column], sort: str) -> list[dict]:
    """Per column: label, the link that sorts by it (the other way round when it is the current
    sort; filters kept, back to page 1: no page number nor keyset cursor) and its `aria-sort`
    value."""
    headers = []
    for column in columns:
        header = {"label": column.label, "url": "", "aria": ""}
        if column.sort:
            query = request.GET.copy()
            for param in CURSOR_PARAMS:
                query.pop(param, None)
            if sort == column.sort:
                header["aria"], query["sort"] = "ascending", f"-{column.sort}"
            elif sort == f"-{column.sort}":
                header["aria"], query["sort"] = "descending", column.sort
            else:
                query["sort"] = column.sort
            header["url"] = f"?{query.urlencode()}"
        headers.append(header)
    return headers


def service_errors(form, exc: ValidationError) -> None:
    """Puts a service's ValidationError on the form: on its field when the form has it, else
    above the form."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for name, errors in exc.error_dict.items():
        form.add_error(name if name in form.fields else None, errors)


def service_messages(request, exc: ValidationError) -> None:
    """Shows a service's refusal as error messages of the next page (actions without a form)."""
    for message in exc.messages:
        messages.error(request, message)
