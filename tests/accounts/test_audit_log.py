"""The audit log reads as events: one list of kinds, shown by their labels, filtered by a list."""

import html
import re
from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.forms.auth import AUDIT_FAMILIES
from accounts.models import AuditEvent, AuditKind
from accounts.services import audit_record

pytestmark = pytest.mark.django_db


def _rows(page: str) -> str:
    """The table body of the log, without the filter's list of labels."""
    return page.split("<tbody>", 1)[1] if "<tbody>" in page else ""


def test_audit_record_refuses_an_unknown_kind_and_writes_nothing(admin, company):
    with pytest.raises(ValueError, match="Unknown audit kind 'user.teleported'.*AuditKind"):
        audit_record(actor=admin, company=company, kind="user.teleported")  # type: ignore[arg-type]
    assert not AuditEvent.objects.exists()


def test_audit_record_stores_the_same_codes_as_before(admin, company):
    event = audit_record(actor=admin, company=company, kind=AuditKind.USER_SIGNED_IN)
    assert AuditEvent.objects.filter(pk=event.pk, kind="user.signed_in").exists()


def test_audit_log_shows_labels_also_for_rows_written_before_the_kinds_list(client, admin, company):
    AuditEvent.objects.create(company=company, kind="esecure.request_approved", actor_repr="x")
    client.force_login(admin)
    rows = _rows(client.get(reverse("accounts:audit-list")).content.decode())
    assert "Demande eSecure approuvée" in rows and "esecure.request_approved" not in rows


def test_audit_log_filter_is_a_labelled_list_of_every_kind(client, admin):
    client.force_login(admin)
    page = client.get(reverse("accounts:audit-list")).content.decode()
    assert '<label for="id_kind">' in page and '<select name="kind"' in page
    for kind in AuditKind:
        assert f'<option value="{kind.value}"' in page
    assert '<optgroup label="eSecure">' in page


def test_every_audit_kind_belongs_to_a_named_family():
    assert {kind.family for kind in AuditKind} <= set(AUDIT_FAMILIES)


def test_audit_log_filters_on_one_kind(client, admin, company):
    audit_record(actor=admin, company=company, kind=AuditKind.USER_SIGNED_IN)
    audit_record(actor=admin, company=company, kind=AuditKind.USER_CREATED)
    client.force_login(admin)
    url = reverse("accounts:audit-list")
    page = client.get(url, {"kind": AuditKind.USER_SIGNED_IN.value}).content.decode()
    rows = _rows(page)
    assert "Connexion" in rows and "Utilisateur créé" not in rows
    assert f'<option value="{AuditKind.USER_SIGNED_IN.value}" selected>' in page


def test_audit_log_filters_on_a_family(client, admin, company):
    audit_record(actor=admin, company=company, kind=AuditKind.ESECURE_SENDER_ADDED)
    audit_record(actor=admin, company=company, kind=AuditKind.ESECURE_DOMAIN_ADDED)
    audit_record(actor=admin, company=company, kind=AuditKind.USER_CREATED)
    client.force_login(admin)
    rows = _rows(client.get(reverse("accounts:audit-list"), {"kind": "esecure"}).content.decode())
    assert "Utilisateur autorisé ajouté" in rows and "Domaine autorisé ajouté" in rows
    assert "Utilisateur créé" not in rows


def test_audit_log_unknown_kind_filter_shows_nothing_rather_than_everything(client, admin, company):
    audit_record(actor=admin, company=company, kind=AuditKind.USER_CREATED)
    client.force_login(admin)
    response = client.get(reverse("accounts:audit-list"), {"kind": "user.cr"})
    assert response.status_code == 200
    assert "Utilisateur créé" not in _rows(response.content.decode())


def test_audit_log_csv_names_the_event_by_its_label(client, admin, company):
    audit_record(actor=admin, company=company, kind=AuditKind.RIGHTS_CHANGED)
    client.force_login(admin)
    response = client.get(reverse("accounts:audit-list"), {"format": "csv"})
    body = b"".join(response.streaming_content).decode()
    assert "Droits modifiés" in body and "rights.changed" not in body


def test_dashboard_recent_activity_reads_events_as_sentences(client, admin, company):
    audit_record(
        actor=admin,
        company=company,
        kind=AuditKind.ESECURE_REQUEST_APPROVED,
        after={"account": "950000033", "email": "jo@client.example", "via": "link"},
    )
    client.force_login(admin)
    page = client.get(reverse("portal:home")).content.decode()
    assert "a approuvé la demande de jo@client.example pour le compte 950000033" in page
    assert "esecure.request_approved" not in page


# --- Pages (keyset) and dates -------------------------------------------------------------------


def _events(company, count, start):
    """`count` events, one a minute from `start` on: the newest is the last one."""
    AuditEvent.objects.bulk_create(
        AuditEvent(
            company=company,
            kind=AuditKind.USER_SIGNED_IN,
            actor_repr=f"event{i:03d}",
            target_repr=f"event{i:03d}",
            created_at=start + timedelta(minutes=i),
        )
        for i in range(count)
    )


def _targets(page: str) -> list[str]:
    return list(dict.fromkeys(re.findall(r"event\d{3}", _rows(page))))


def test_audit_log_pages_newest_first_next_previous_and_last(client, admin, company):
    _events(company, 120, timezone.now() - timedelta(days=1))
    client.force_login(admin)
    url = reverse("accounts:audit-list")
    page = client.get(url).content.decode()
    assert _targets(page) == [f"event{i:03d}" for i in range(119, 69, -1)]
    assert "120 résultats" in page
    second = client.get(url + html.unescape(re.search(r'rel="next" href="([^"]+)"', page)[1]))
    assert _targets(second.content.decode()) == [f"event{i:03d}" for i in range(69, 19, -1)]
    last_href = html.unescape(re.search(r'href="([^"]+)">Dernière<', page)[1])
    last = client.get(url + last_href).content.decode()
    assert _targets(last) == [f"event{i:03d}" for i in range(49, -1, -1)]
    back = client.get(url + html.unescape(re.search(r'rel="prev" href="([^"]+)"', last)[1]))
    assert _targets(back.content.decode()) == [f"event{i:03d}" for i in range(99, 49, -1)]


def test_audit_log_dates_are_days_of_the_portal_time_zone(client, admin, company):
    """23:30 in Brussels on 10 March is 22:30 UTC: it belongs to the 10th, not the 11th."""
    late = timezone.make_aware(datetime(2026, 3, 10, 23, 30))
    AuditEvent.objects.create(company=company, kind=AuditKind.USER_CREATED, created_at=late)
    client.force_login(admin)
    url = reverse("accounts:audit-list")

    def shown(**dates) -> bool:
        return "Utilisateur créé" in _rows(client.get(url, dates).content.decode())

    assert shown(date_from="2026-03-10", date_to="2026-03-10")
    assert not shown(date_from="2026-03-11")
    assert not shown(date_to="2026-03-09")


def test_audit_log_csv_streams_every_matching_event(client, admin, company):
    _events(company, 30, timezone.now() - timedelta(hours=1))
    client.force_login(admin)
    response = client.get(reverse("accounts:audit-list"), {"format": "csv"})
    assert response.streaming
    lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert len(lines) == 31 and lines[1].split(";")[1] == "event029"  # newest first
