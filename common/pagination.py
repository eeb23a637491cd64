"""Pages of long lists that cost the same on page 1 and on page 8,000.

Django's `Paginator` counts every row (`COUNT(*)`) and reaches page n with `OFFSET`: both read
the whole list, which is what a list of 200,000 authorized senders or 1,000,000 audit events
cannot afford. Here a page is found by **keyset**: the list is ordered by columns that end with
the primary key, and the "next" link carries the sort values of the page's last row (`after=`),
the "previous" link those of its first row (`before=`), read back the other way round. "First"
has no cursor, "last" (`last=1`) reads the list from its end. The number of results is exact
up to `EXACT_COUNT_UP_TO` and otherwise the database's estimate (PostgreSQL's planner),
rounded and shown as such ("environ 200 000").

Each page issues at most three queries: the rows (one more than the page, to know whether
there is a page after), the bounded count, and the estimate when the count reached its bound.
"""

import base64
import binascii
import json
import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connections, models
from django.db.models import F, Q, QuerySet, Value
from django.db.models.expressions import BaseExpression, OrderBy
from django.db.models.functions import Coalesce
from django.utils.formats import number_format

EXACT_COUNT_UP_TO = 10_000
CURSOR_PARAMS = ("after", "before", "last", "page")


@dataclass(frozen=True)
class Key:
    """One column of the order: a field path (`"email"`, `"user__username"`) or an expression
    (`Lower("user__username")`), never NULL (wrap nullable ones in `Coalesce`)."""

    expression: Any  # str | an expression (BaseExpression, F, Combinable…)
    descending: bool = False


@dataclass(frozen=True)
class Count:
    value: int
    estimated: bool

    def __str__(self) -> str:
        return number_format(self.value, force_grouping=True)


@dataclass
class KeysetPage:
    """What the list templates need: the rows, the count, and the four links' query strings
    (the list's own filters and sort kept; "" when there is no such page)."""

    object_list: list
    count: Count
    has_previous: bool
    has_next: bool
    first_query: str  # the list's filters and sort, without cursor
    previous_query: str
    next_query: str
    last_query: str

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    @property
    def has_other_pages(self) -> bool:
        return self.has_previous or self.has_next


def keyset_page(
    request, queryset: QuerySet, keys: list[Key] | None = None, *, per_page: int
) -> KeysetPage:
    """The page of `queryset` that the request's `after` / `before` / `last` asks for (the first
    page when none, or when the cursor is not one of ours). `keys` is the order, by default the
    queryset's own `order_by`; the primary key is added as the last one when missing, so that
    the order is total."""
    if keys is None:
        keys = order_keys(queryset)
    if not keys or keys[-1].expression != "pk":
        keys = [*keys, Key("pk")]
    names = [f"_key{i}" for i in range(len(keys))]
    annotated = queryset.annotate(
        **{
            name: F(key.expression) if isinstance(key.expression, str) else key.expression
            for name, key in zip(names, keys, strict=True)
        }
    )
    forward = _ordering(names, keys, reverse=False)
    backward = _ordering(names, keys, reverse=True)

    after = _cursor(request.GET.get("after"), len(keys))
    before = _cursor(request.GET.get("before"), len(keys))
    from_end = request.GET.get("last") == "1"
    rows: list = []
    more = False
    try:
        if after is not None:
            rows = list(
                annotated.filter(_beyond(names, keys, after, forward=True)).order_by(*forward)[
                    : per_page + 1
                ]
            )
            more, rows = len(rows) > per_page, rows[:per_page]
            has_previous, has_next = True, more
        elif before is not None or from_end:
            chosen = annotated
            if before is not None:
                chosen = chosen.filter(_beyond(names, keys, before, forward=False))
            rows = list(chosen.order_by(*backward)[: per_page + 1])
            more, rows = len(rows) > per_page, rows[:per_page]
            rows.reverse()
            has_previous, has_next = more, before is not None
        else:
            raise _FirstPage
    except (_FirstPage, ValidationError, ValueError, TypeError):
        rows = list(annotated.order_by(*forward)[: per_page + 1])
        more, rows = len(rows) > per_page, rows[:per_page]
        has_previous, has_next = False, more

    if not rows and (after is not None or before is not None):
        # Past either end (rows removed since the link was made): back to the first page.
        rows = list(annotated.order_by(*forward)[: per_page + 1])
        more, rows = len(rows) > per_page, rows[:per_page]
        has_previous, has_next = False, more

    query = request.GET.copy()
    for param in CURSOR_PARAMS:
        query.pop(param, None)

    def link(**params) -> str:
        q = query.copy()
        for name, value in params.items():
            q[name] = value
        return q.urlencode()

    has_previous, has_next = has_previous and bool(rows), has_next and bool(rows)
    return KeysetPage(
        object_list=rows,
        count=count_or_estimate(queryset),
        has_previous=has_previous,
        has_next=has_next,
        first_query=link(),
        previous_query=link(before=_encode(rows[0], names)) if has_previous else "",
        next_query=link(after=_encode(rows[-1], names)) if has_next else "",
        last_query=link(last="1"),
    )


def keyset_chunks(queryset: QuerySet, *, size: int = 2000) -> Iterator:
    """Every row of `queryset`, in its order, read `size` rows at a time by keyset: each chunk
    is one short query that starts where the last one ended (no OFFSET, no cursor held open
    for the whole download), so that a CSV of 200,000 rows streams in flat memory."""
    keys = order_keys(queryset)
    if not keys or keys[-1].expression != "pk":
        keys = [*keys, Key("pk")]
    names = [f"_key{i}" for i in range(len(keys))]
    annotated = queryset.annotate(
        **{
            name: F(key.expression) if isinstance(key.expression, str) else key.expression
            for name, key in zip(names, keys, strict=True)
        }
    ).order_by(*_ordering(names, keys, reverse=False))
    chunk = annotated
    while True:
        rows = list(chunk[:size])
        yield from rows
        if len(rows) < size:
            return
        last = [getattr(rows[-1], name) for name in names]
        chunk = annotated.filter(_beyond(names, keys, last, forward=True))


def order_keys(queryset: QuerySet) -> list[Key]:
    """The keys of a queryset's `order_by` (field paths, `-` for descending, or expressions with
    `.asc()` / `.desc()`). A nullable text or date field is read with a stand-in for NULL ("",
    and the latest date), since a cursor cannot compare with NULL."""
    keys = []
    for item in queryset.query.order_by:
        if isinstance(item, OrderBy):
            keys.append(Key(item.expression, item.descending))
        elif isinstance(item, str):
            path = item.lstrip("-")
            keys.append(Key(_not_null(queryset.model, path), item.startswith("-")))
        else:
            keys.append(Key(item))
    return keys


def _not_null(model, path: str) -> str | BaseExpression:
    nullable, field = False, None
    for part in path.split("__"):
        field = model._meta.pk if part == "pk" else model._meta.get_field(part)
        nullable = nullable or field.null
        if field.is_relation:
            model = field.related_model
    if not nullable or field is None:
        return path
    if isinstance(field, models.CharField | models.TextField):
        return Coalesce(F(path), Value(""), output_field=field.__class__())
    if isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField):
        return Coalesce(F(path), Value(date.max), output_field=models.DateField())
    return path


def count_or_estimate(queryset: QuerySet, *, exact_up_to: int | None = None) -> Count:
    """The number of rows: exact up to `exact_up_to` (a count that stops there; by default
    EXACT_COUNT_UP_TO), else the planner's estimate on PostgreSQL, rounded to two significant
    figures (other databases count them all)."""
    if exact_up_to is None:
        exact_up_to = EXACT_COUNT_UP_TO
    light = queryset.order_by().values("pk")
    counted = light[: exact_up_to + 1].count()
    if counted <= exact_up_to:
        return Count(counted, estimated=False)
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return Count(light.count(), estimated=False)
    sql, params = light.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    estimate = max(int(plan[0]["Plan"]["Plan Rows"]), exact_up_to + 1)
    return Count(_round(estimate), estimated=True)


def _round(value: int) -> int:
    """Two significant figures: 202,345 → 200,000; 18,456 → 18,000."""
    digits = int(math.log10(value)) + 1
    step = 10 ** max(0, digits - 2)
    return round(value / step) * step


class _FirstPage(Exception):
    pass


def _ordering(names: list[str], keys: list[Key], *, reverse: bool) -> list:
    return [
        F(name).desc() if key.descending != reverse else F(name).asc()
        for name, key in zip(names, keys, strict=True)
    ]


def _beyond(names: list[str], keys: list[Key], values: list, *, forward: bool) -> Q:
    """Rows strictly after (`forward`) or before the row with these key values, in the list's
    order: (k0 > v0) or (k0 = v0 and k1 > v1) or … — ">" being "<" on a descending key. The
    first key's bound (k0 ≥ v0) is added on its own, for the index on that column."""
    condition = Q()
    equal = Q()
    for name, key, value in zip(names, keys, values, strict=True):
        smaller = key.descending == forward  # rows beyond are smaller on this key
        condition |= equal & Q(**{f"{name}__{'lt' if smaller else 'gt'}": value})
        equal &= Q(**{name: value})
    smaller = keys[0].descending == forward
    return Q(**{f"{names[0]}__{'lte' if smaller else 'gte'}": values[0]}) & condition


def _plain(value):
    if isinstance(value, datetime | date):
        return value.isoformat()  # full precision (DjangoJSONEncoder cuts microseconds)
    if isinstance(value, Decimal):
        return str(value)
    return value


def _encode(row, names: list[str]) -> str:
    values = [_plain(getattr(row, name)) for name in names]
    text = json.dumps(values, ensure_ascii=False, separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _cursor(raw: str | None, length: int) -> list | None:
    """The values of a cursor we made, or None (absent, or not one of ours: first page)."""
    if not raw or len(raw) > 4000:
        return None
    try:
        text = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)).decode()
        values = json.loads(text)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    if not isinstance(values, list) or len(values) != length:
        return None
    if not all(v is None or isinstance(v, str | int | float | bool) for v in values):
        return None
    if any(isinstance(v, str) and "\x00" in v for v in values):  # PostgreSQL refuses NUL
        return None
    return values
