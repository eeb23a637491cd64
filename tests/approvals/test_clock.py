"""One clock (issue 11): the eSecure CSV shows the instant the page shows, in the portal's zone,
and every language writes day/month/year with a 24-hour clock."""

import csv
import io
from datetime import UTC, datetime

import pytest
from django.urls import reverse
from django.utils import formats, translation

from accounts.models import User
from approvals.models import AuthorizedSender, Origin, SenderStatus

pytestmark = pytest.mark.django_db

# 19:35 in Brussels (winter, UTC+1): the page and the CSV must both say 19:35.
EVENT = datetime(2026, 1, 12, 18, 35, 27, 123456, tzinfo=UTC)


@pytest.fixture
def signed_in(client, protected):
    client.force_login(User.objects.get(username="anne"))
    AuthorizedSender.objects.create(
        protected_account=protected,
        email="alice@client.example",
        status=SenderStatus.APPROVED,
        origin=Origin.MANUAL,
    )
    AuthorizedSender.objects.update(modified_at=EVENT)
    return client


def _csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content if response.streaming else [response.content])
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))


def test_csv_time_is_the_instant_the_page_shows(signed_in):
    url = reverse("approvals:sender-list")
    page = signed_in.get(url).content.decode()
    assert "12/01/2026 19:35" in page
    rows = _csv_rows(signed_in.get(url, {"format": "csv"}))
    cell = rows[1][rows[0].index("Date de modification")]
    assert cell == "2026-01-12 19:35:27+01:00"  # local time with its offset, no microseconds
    moment = datetime.fromisoformat(cell)
    assert moment == EVENT.replace(microsecond=0)
    with translation.override("fr"):
        assert formats.date_format(moment, "SHORT_DATETIME_FORMAT") in page


@pytest.mark.parametrize(
    ("language", "shown"),
    [
        ("en", "12/01/2026 19:35"),
        ("fr", "12/01/2026 19:35"),
        ("nl", "12-1-2026 19:35"),
        ("de", "12.01.2026 19:35"),
    ],
)
def test_pages_write_day_month_year_in_every_language(signed_in, language, shown):
    page = signed_in.get(
        reverse("approvals:sender-list"), HTTP_ACCEPT_LANGUAGE=language
    ).content.decode()
    assert f'lang="{language}"' in page
    assert shown in page
    assert "p.m." not in page and "01/12/2026" not in page


def test_english_forms_read_day_month_year():
    from django import forms

    with translation.override("en"):
        field = forms.DateField()
        assert field.clean("01/12/2026").month == 12  # 1 December, not 12 January
        assert field.clean("2026-12-01").day == 1
