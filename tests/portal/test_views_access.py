"""Each page: anonymous, other company (404), missing right (403), allowed."""

import pytest
from django.urls import reverse

from accounts.services import AuditKind, audit_record
from notifications.services import message_create

pytestmark = pytest.mark.django_db


def test_dashboard_anonymous_goes_to_sign_in(client):
    response = client.get(reverse("portal:home"))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]


def test_dashboard_shows_the_company_in_french(client, admin, company):
    client.force_login(admin)
    response = client.get(reverse("portal:home"))
    page = response.content.decode()
    assert response.status_code == 200
    assert company.name in page
    assert "Tableau de bord" in page and '<html lang="fr"' in page


def test_dashboard_in_english_after_switching_language(client, admin):
    client.force_login(admin)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("portal:home")).content.decode()
    assert "Dashboard" in page


def test_audit_log_anonymous(client):
    assert client.get(reverse("accounts:audit-list")).status_code == 302


def test_audit_log_needs_admin_right(client, user):
    client.force_login(user)
    assert client.get(reverse("accounts:audit-list")).status_code == 403


def test_audit_log_shows_only_own_company(client, admin, company, other_company):
    audit_record(actor=admin, company=company, kind=AuditKind.USER_CREATED, after={"x": 1})
    audit_record(
        actor=None, company=other_company, kind=AuditKind.RIGHTS_CHANGED, actor_repr="secret.actor"
    )
    client.force_login(admin)
    page = client.get(reverse("accounts:audit-list")).content.decode()
    assert "Utilisateur créé" in page
    assert "secret.actor" not in page


def test_message_of_someone_else_is_404(client, admin, other_company_admin):
    message = message_create(
        user=other_company_admin, kind="provider.withdrawn", params={"company": "Secret SA"}
    )
    client.force_login(admin)
    assert client.get(reverse("notifications:message-detail", args=[message.pk])).status_code == 404


def test_message_detail_marks_read(client, admin):
    message = message_create(user=admin, kind="provider.withdrawn", params={"company": "A"})
    client.force_login(admin)
    assert client.get(reverse("notifications:inbox")).status_code == 200
    assert client.get(reverse("notifications:message-detail", args=[message.pk])).status_code == 200
    message.refresh_from_db()
    assert message.read_at is not None


def test_message_detail_anonymous(client, admin):
    message = message_create(user=admin, kind="provider.withdrawn", params={"company": "A"})
    assert client.get(reverse("notifications:message-detail", args=[message.pk])).status_code == 302


@pytest.mark.parametrize("name", ["notifications:outbox"])
def test_outbox_is_for_staff_only(client, admin, staff, name):
    assert client.get(reverse(name)).status_code == 302
    client.force_login(admin)
    assert client.get(reverse(name)).status_code == 403
    client.force_login(staff)
    assert client.get(reverse(name)).status_code == 200


def test_staff_reads_a_sent_email_in_the_browser(
    client, staff, user, django_capture_on_commit_callbacks
):
    from notifications import emails

    with django_capture_on_commit_callbacks(execute=True):
        email = emails.send_password_changed(user=user, display_name=user.display_name)
    client.force_login(staff)
    page = client.get(reverse("notifications:outbox-detail", args=[email.pk])).content.decode()
    assert email.subject in page
    html = client.get(reverse("notifications:outbox-html", args=[email.pk]))
    assert "script-src" not in html["Content-Security-Policy"]
    assert user.username in html.content.decode()


def test_profile_shows_user_key_and_companies(client, provider):
    client.force_login(provider)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert provider.user_key in page
    assert "Autre Société SA" in page and "Imprimerie Test SA" in page


def test_person_without_company_gets_a_clear_page(client, db):
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    page = client.get(reverse("portal:home")).content.decode()
    assert "Aucune société active" in page


def test_security_headers_present(client, admin):
    client.force_login(admin)
    response = client.get(reverse("portal:home"))
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"


def test_audit_log_filters_and_exports_as_csv(client, admin, company):
    audit_record(actor=admin, company=company, kind=AuditKind.RIGHTS_CHANGED, after={"a": 1})
    audit_record(actor=admin, company=company, kind=AuditKind.USER_CREATED, target=admin)
    client.force_login(admin)
    page = client.get(reverse("accounts:audit-list"), {"kind": "rights"}).content.decode()
    rows = page.split("<tbody>", 1)[1]
    assert "Droits modifiés" in rows and "Utilisateur créé" not in rows
    export = client.get(reverse("accounts:audit-list"), {"kind": "user", "format": "csv"})
    assert export["Content-Type"].startswith("text/csv")
    body = b"".join(export.streaming_content).decode("utf-8")
    assert "Utilisateur créé" in body and "Droits modifiés" not in body


def test_audit_log_rejects_inverted_dates_without_error_page(client, admin, company):
    audit_record(actor=admin, company=company, kind=AuditKind.USER_CREATED)
    client.force_login(admin)
    response = client.get(
        reverse("accounts:audit-list"), {"date_from": "2026-12-01", "date_to": "2026-01-01"}
    )
    assert response.status_code == 200
    assert "La date de début est après la date de fin." in response.content.decode()


def test_audit_log_queries_are_bounded(client, admin, company, django_assert_max_num_queries):
    for i in range(120):
        audit_record(actor=admin, company=company, kind=AuditKind.USER_CHANGED, after={"i": i})
    client.force_login(admin)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("accounts:audit-list")).status_code == 200
