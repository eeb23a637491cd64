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


def test_admin_reads_the_audit_log_as_sentences_in_french_and_english(
    page: Page, live_server, admin, company, password, screenshot
):
    from accounts.models import AccountApplication, Application
    from accounts.permissions import Scope
    from accounts.services import user_create
    from accounts.services.grants import rights_set
    from tests.factories import BillingAddressFactory, CustomerAccountFactory, UserFactory

    app = Application.objects.get(code="emasspost")
    account = CustomerAccountFactory(company=company, number="999009")
    AccountApplication.objects.create(account=account, application=app)
    address = BillingAddressFactory(company=company, name="Siège social")
    claire = UserFactory(first_name="Claire", last_name="Lambert", is_staff=True)
    elodie = user_create(
        company=company,
        actor=admin,
        username="elodie.vdb",
        password=password,
        details={"first_name": "Élodie", "last_name": "Van den Broeck", "email": "e@x.example"},
        management={},
    )
    create = app.permissions.get(code="create")
    scope = Scope.of(accounts=[account.pk], billing_addresses=[address.pk])
    rights_set(membership=elodie, application=app, rights={create: scope}, actor=claire)
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Nom d'utilisateur ou e-mail").fill(admin.username)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_role("link", name="Journal d'audit").click()

    table = page.get_by_role("table")
    expect(table).to_contain_text(
        "Claire Lambert a donné à Élodie Van den Broeck « Création » d'e-Masspost "
        "sur le compte 999009"
    )
    expect(table).to_contain_text("a créé le compte d'Élodie Van den Broeck")
    expect(table).not_to_contain_text("'accounts'")
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        screenshot(f"audit-log-sentences-fr-{width}")
    page.get_by_role("button", name="EN").click()
    expect(page.get_by_role("table")).to_contain_text("« Creation »")
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        screenshot(f"audit-log-sentences-en-{width}")
