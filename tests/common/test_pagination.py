"""Keyset pages (common/pagination.py): walking the links forward or backward shows every row
once, in the list's order, whatever the sort; a cursor that is not ours shows the first page."""

import base64
import json

import pytest
from django.db import connection
from django.db.models.functions import Lower
from django.test import RequestFactory

from accounts.models import Membership, User
from common import pagination
from common.pagination import Count, count_or_estimate, keyset_chunks, keyset_page
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

LAST_NAMES = ["Martin", "Dubois", "Martin", "Peeters", "Dubois", "Maes", "Martin"]


@pytest.fixture
def people():
    """23 people whose last names repeat (ties broken by the primary key)."""
    return [
        UserFactory(username=f"p{i:02d}", last_name=LAST_NAMES[i % len(LAST_NAMES)])
        for i in range(23)
    ]


def _get(params: str = ""):
    return RequestFactory().get(f"/list/?{params}")


def _walk(queryset, *, per_page: int, start: str = "", backward: bool = False) -> list[list]:
    """Every page from `start`, following "next" (or "previous" when backward)."""
    pages, query = [], start
    while True:
        page = keyset_page(_get(query), queryset, per_page=per_page)
        pages.append([row.pk for row in page])
        query = page.previous_query if backward else page.next_query
        if not query:
            return pages


@pytest.mark.parametrize(
    "order",
    [("last_name",), ("-last_name",), ("-last_name", "username"), (Lower("username").desc(),)],
)
def test_walking_forward_and_backward_shows_every_row_once_in_order(people, order):
    users = User.objects.filter(pk__in=[p.pk for p in people]).order_by(*order, "pk")
    expected = list(users.values_list("pk", flat=True))
    forward = _walk(users, per_page=5)
    assert [pk for page in forward for pk in page] == expected
    assert [len(page) for page in forward] == [5, 5, 5, 5, 3]
    backward = _walk(users, per_page=5, start="last=1", backward=True)
    assert [pk for page in reversed(backward) for pk in page] == expected
    assert [len(page) for page in backward] == [5, 5, 5, 5, 3]  # the last page is full


def test_a_nullable_sort_column_still_pages(company, admin):
    """Rows without a creator sort as "" (a cursor cannot compare with NULL)."""
    for i in range(7):
        MembershipFactory(company=company, created_by=admin if i % 2 else None)
    memberships = Membership.objects.filter(company=company).order_by("created_by__username")
    expected = [
        m.pk for m in sorted(memberships, key=lambda m: (m.created_by_id is not None, m.pk))
    ]
    assert [pk for page in _walk(memberships, per_page=3) for pk in page] == expected


def test_first_page_links(people):
    users = User.objects.filter(pk__in=[p.pk for p in people]).order_by("username")
    page = keyset_page(_get("q=x&sort=username"), users, per_page=10)
    assert not page.has_previous and page.has_next and page.has_other_pages
    assert page.first_query == "q=x&sort=username"
    assert page.next_query.startswith("q=x&sort=username&after=")
    assert page.last_query == "q=x&sort=username&last=1"
    assert page.count == Count(23, estimated=False) and str(page.count) == "23"
    last = keyset_page(_get(page.last_query), users, per_page=10)
    assert last.has_previous and not last.has_next
    assert [u.username for u in last] == [f"p{i:02d}" for i in range(13, 23)]


def _cursor(values) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "after",
    [
        "not-a-cursor!",
        _cursor([1]),  # another list's cursor: not as many keys
        _cursor(["p03", {"x": 1}]),
        _cursor(["p03\x00", 1]),
        _cursor(["p03", "not a number"]),
        "x" * 5000,
    ],
)
def test_a_cursor_that_is_not_ours_shows_the_first_page(people, after):
    users = User.objects.filter(pk__in=[p.pk for p in people]).order_by("username")
    page = keyset_page(_get(f"after={after}"), users, per_page=5)
    assert [u.username for u in page] == ["p00", "p01", "p02", "p03", "p04"]
    assert not page.has_previous


def test_past_the_end_shows_the_first_page(people):
    users = User.objects.filter(pk__in=[p.pk for p in people]).order_by("username")
    page = keyset_page(_get(f"after={_cursor(['zzz', 10**9])}"), users, per_page=5)
    assert [u.username for u in page][:1] == ["p00"]


def test_an_empty_list_has_no_links(db):
    page = keyset_page(_get(), User.objects.none().order_by("pk"), per_page=5)
    assert list(page) == [] and not page.has_other_pages and page.count.value == 0


def test_count_is_exact_up_to_the_bound_then_an_estimate(people, monkeypatch):
    users = User.objects.filter(pk__in=[p.pk for p in people])
    assert count_or_estimate(users) == Count(23, estimated=False)
    beyond = count_or_estimate(users, exact_up_to=10)
    if connection.vendor == "postgresql":
        assert beyond.estimated and beyond.value >= 11
    else:  # no planner estimate to read: counted
        assert beyond == Count(23, estimated=False)


@pytest.mark.parametrize(
    ("value", "rounded"), [(202_345, 200_000), (18_456, 18_000), (10_001, 10_000), (987, 990)]
)
def test_estimates_are_rounded_to_two_figures(value, rounded):
    assert pagination._round(value) == rounded


@pytest.mark.parametrize("order", [("username",), ("-last_name",), ("last_name", "-username")])
def test_chunks_read_every_row_once_in_order(people, order, django_assert_num_queries):
    users = User.objects.filter(pk__in=[p.pk for p in people]).order_by(*order)
    # Ties are broken by the primary key, as the pages do.
    expected = list(users.order_by(*order, "pk").values_list("pk", flat=True))
    with django_assert_num_queries(5):  # 5 + 5 + 5 + 5 + 3: the short chunk ends the reading
        assert [u.pk for u in keyset_chunks(users, size=5)] == expected
