"""The audit log reads as events: one list of kinds, shown by their labels, filtered by a list."""

import pytest
from django.urls import reverse

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
    body = client.get(reverse("accounts:audit-list"), {"format": "csv"}).content.decode()
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
