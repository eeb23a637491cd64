"""The eSecure lists page by keyset: next / previous / first / last show every row once in the
list's order, keep the filters and sort, and a result count; the access rules hold with a
cursor in the address (anonymous → sign-in, not a customer admin → 403, another company's
admin never sees our rows)."""

import html
import re

import pytest
from django.urls import reverse

from accounts.models import User
from approvals.models import AuthorizedSender, CustomerAdmin, Origin, ProtectedAccount, SenderStatus
from common import pagination
from common.pagination import Count
from tests.factories import AdminMembershipFactory, CustomerAccountFactory

pytestmark = pytest.mark.django_db

URL = reverse("approvals:sender-list")


@pytest.fixture
def anne(protected):
    return User.objects.get(username="anne")


@pytest.fixture
def signed_in(client, anne):
    client.force_login(anne)
    return client


@pytest.fixture
def senders(protected):
    """60 senders: every third one rejected, the others approved."""
    AuthorizedSender.objects.bulk_create(
        AuthorizedSender(
            protected_account=protected,
            email=f"s{i:02d}@client.example",
            status=SenderStatus.REJECTED if i % 3 == 0 else SenderStatus.APPROVED,
            origin=Origin.MANUAL,
        )
        for i in range(60)
    )
    return list(AuthorizedSender.objects.filter(protected_account=protected).order_by("email"))


def _emails(page: str) -> list[str]:
    return re.findall(r"(s\d\d@client\.example)", page.split("<tbody>", 1)[1])


def _link(page: str, rel: str) -> str:
    found = re.search(rf'rel="{rel}" href="([^"]+)"', page)
    return html.unescape(found.group(1)) if found else ""


def _last(page: str) -> str:
    return html.unescape(re.search(r'href="([^"]+)">Dernière<', page).group(1))


def _unique_rows(page: str) -> list[str]:
    seen: list[str] = []
    for email in _emails(page):
        if email not in seen:
            seen.append(email)
    return seen


def test_next_and_previous_walk_every_sender_once_in_order(signed_in, senders):
    page = signed_in.get(URL).content.decode()
    assert "60 enregistrements trouvés" in page and "60 résultats" not in page  # one count
    walked, pages = [], 0
    while True:
        rows = _unique_rows(page)
        walked += rows
        pages += 1
        href = _link(page, "next")
        if not href:
            break
        page = signed_in.get(URL + href).content.decode()
    assert walked == [s.email for s in senders] and pages == 3
    # From the last page ("Dernière": the last 25), "Précédente" goes back, then "Première".
    last = signed_in.get(URL + _last(signed_in.get(URL).content.decode())).content.decode()
    assert _unique_rows(last) == [s.email for s in senders[-25:]]
    before = signed_in.get(URL + _link(last, "prev")).content.decode()
    assert _unique_rows(before) == [s.email for s in senders[10:35]]
    assert 'rel="next"' in before and ">Première<" in before


def test_pages_keep_filters_and_sort(signed_in, senders):
    page = signed_in.get(URL, {"status": "rejected", "sort": "-email"}).content.decode()
    rejected = [s.email for s in reversed(senders) if s.status == SenderStatus.REJECTED]
    assert "20 enregistrements trouvés" in page
    assert _unique_rows(page) == rejected[:20]  # 20 rows: one page, no link
    assert not _link(page, "next")
    page = signed_in.get(URL, {"status": "approved", "sort": "-email"}).content.decode()
    href = _link(page, "next")
    assert "status=approved" in href and "sort=-email" in href
    approved = [s.email for s in reversed(senders) if s.status == SenderStatus.APPROVED]
    assert _unique_rows(signed_in.get(URL + href).content.decode()) == approved[25:]


def test_sort_headers_and_csv_of_a_later_page_start_from_the_first_row(signed_in, senders):
    page = signed_in.get(URL).content.decode()
    later = signed_in.get(URL + _link(page, "next")).content.decode()
    headers = re.findall(r'<th[^>]*>\s*<a href="([^"]+)"', later)
    assert headers and not any("after=" in h for h in headers)
    csv_url = html.unescape(re.search(r'href="([^"]+)" download', later).group(1))
    assert "after=" not in csv_url and "format=csv" in csv_url
    # The row forms come back to this very page after an action.
    back = html.unescape(re.search(r'name="back" value="([^"]*)"', later).group(1))
    assert "after=" in back


def test_a_large_count_is_shown_as_an_estimate(signed_in, senders, monkeypatch):
    monkeypatch.setattr(pagination, "count_or_estimate", lambda qs: Count(200_000, True))
    page = signed_in.get(URL).content.decode().replace("\xa0", " ").replace("\u202f", " ")
    assert "environ 200 000 enregistrements trouvés" in page
    assert "environ 200 000 enregistrements trouvés" in page


def test_a_cursor_in_the_address_changes_no_access_rule(client, protected, senders, admin):
    signed = client
    signed.force_login(User.objects.get(username="anne"))
    cursor_href = _link(signed.get(URL).content.decode(), "next")
    signed.logout()
    # Anonymous: off to sign in.
    response = client.get(URL + cursor_href)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    # A company administrator who is not a customer admin: 403.
    client.force_login(admin)
    assert client.get(URL + cursor_href).status_code == 403
    # Another company's customer admin with our cursor: their own list only.
    other = AdminMembershipFactory(user__username="olga")
    account = CustomerAccountFactory(company=other.company, number="950000099")
    theirs = ProtectedAccount.objects.create(account=account, is_active=True)
    CustomerAdmin.objects.create(protected_account=theirs, user=other.user)
    AuthorizedSender.objects.create(
        protected_account=theirs, email="t99@other.example", origin=Origin.MANUAL
    )
    client.force_login(other.user)
    page = client.get(URL + cursor_href).content.decode()
    assert "@client.example" not in page
    assert "t99@other.example" in page and "1 enregistrement trouvé" in page


@pytest.mark.parametrize("first_number", ["950000001", "950000099"])
def test_sort_by_account_follows_the_numbers_whatever_the_accounts_ids(
    signed_in, protected, anne, first_number
):
    """A second account created later, with a number before or after 950000033: the account
    sort follows the numbers, ascending then descending (whole order reversed)."""
    account = CustomerAccountFactory(company=protected.account.company, number=first_number)
    later = ProtectedAccount.objects.create(account=account, is_active=True)
    CustomerAdmin.objects.create(protected_account=later, user=anne)
    for p, prefix in ((protected, "mid"), (later, "new")):
        for i in range(2):
            AuthorizedSender.objects.create(
                protected_account=p, email=f"{prefix}{i}@client.example", origin=Origin.MANUAL
            )
    page = signed_in.get(URL, {"sort": "account"}).content.decode()
    shown = re.findall(r"((?:mid|new)\d)@client\.example", page.split("<tbody>", 1)[1])
    order = list(dict.fromkeys(shown))
    later_first = first_number < protected.account.number
    ours, theirs = ["mid0", "mid1"], ["new0", "new1"]
    assert order == (theirs + ours if later_first else ours + theirs)
    page = signed_in.get(URL, {"sort": "-account"}).content.decode()
    shown = re.findall(r"((?:mid|new)\d)@client\.example", page.split("<tbody>", 1)[1])
    assert list(dict.fromkeys(shown)) == list(reversed(order))
