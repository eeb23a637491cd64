"""The audit log in a real browser: events named by their labels, filtered from a list."""

from playwright.sync_api import Page, expect

from accounts.services import AuditKind, audit_record


def test_admin_filters_the_audit_log_by_event_type(
    page: Page, live_server, admin, company, password, screenshot
):
    audit_record(actor=admin, company=company, kind=AuditKind.RIGHTS_CHANGED, after={"a": 1})
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Nom d'utilisateur ou e-mail").fill(admin.username)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()

    page.get_by_role("link", name="Journal d'audit").click()
    table = page.get_by_role("table")
    expect(table).to_contain_text("Connexion")
    expect(table).to_contain_text("Droits modifiés")

    page.get_by_label("Type d'événement").select_option(label="Droits modifiés")
    page.get_by_role("button", name="Filtrer").click()
    expect(table).to_contain_text("Droits modifiés")
    expect(table).not_to_contain_text("Connexion")
    expect(page.get_by_label("Type d'événement")).to_have_value("rights.changed")
    screenshot("audit-log-filtered")
