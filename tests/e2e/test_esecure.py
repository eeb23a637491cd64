"""eSecure in a real browser: an admin approves a pending sender from the e-mailed link (the GET
page, then the confirm button), signs in, adds a domain and goes through the four tabs."""

import re

from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.models import AccountApplication, Application
from approvals.models import (
    AuthorizedDomain,
    AuthorizedSender,
    CustomerAdmin,
    Origin,
    ProtectedAccount,
    SenderStatus,
)
from approvals.services.checks import sender_check
from notifications.models import OutboundEmail
from tests.factories import (
    PASSWORD,
    AdminMembershipFactory,
    CompanyFactory,
    CustomerAccountFactory,
)


def _setup():
    company = CompanyFactory(name="Horlogerie Dubois SA")
    account = CustomerAccountFactory(company=company, number="950000033")
    AccountApplication.objects.create(
        account=account, application=Application.objects.get(code="dhl-shipping")
    )
    protected = ProtectedAccount.objects.create(
        account=account, is_active=True, history_listed_at=timezone.now()
    )
    paul = AdminMembershipFactory(
        company=company,
        user__username="paul.dubois",
        user__first_name="Paul",
        user__last_name="Dubois",
        user__email="paul.dubois@horlogerie.example",
    ).user
    CustomerAdmin.objects.create(protected_account=protected, user=paul)
    for email in ("marc@horlogerie.example", "lea@horlogerie.example"):
        AuthorizedSender.objects.create(
            protected_account=protected, email=email, origin=Origin.HISTORY
        )
    AuthorizedSender.objects.create(
        protected_account=protected,
        email="ancien@prestataire.example",
        origin=Origin.HISTORY,
        status=SenderStatus.REJECTED,
        assigned_by=paul,
    )
    return protected, paul


def _approve_link(admin_email: str) -> str:
    """From the e-mail received (the outbox shows the link masked)."""
    (email,) = [m for m in mail.outbox if m.to == [admin_email] and "Approuver :" in m.body]
    return re.search(r"Approuver : (\S+/esecure/decision/\S+/)", email.body).group(1)


def test_admin_approves_from_the_emailed_link_and_adds_a_domain(
    page: Page, live_server, screenshot
):
    protected, paul = _setup()
    # A shipping application checks an unknown sender: a pending request, e-mails to the admin.
    result = sender_check(
        account_number="950000033", email="test.utilisateur@client.example", name="Test Utilisateur"
    )
    assert result.decision == "pending"
    link = _approve_link(paul.email)
    path = "/" + link.split("/", 3)[3]

    # The link's GET page only shows the request and a confirm button.
    page.goto(live_server.url + path)
    expect(page.get_by_role("heading", level=1)).to_have_text("Approuver cette demande ?")
    expect(page.get_by_text("test.utilisateur@client.example")).to_be_visible()
    screenshot("esecure-link-open")
    assert AuthorizedSender.objects.get(email="test.utilisateur@client.example").status == "pending"

    page.get_by_role("button", name="Confirmer l'approbation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Décision enregistrée")
    expect(page.get_by_text("Approuvée par Paul Dubois")).to_be_visible()
    screenshot("esecure-link-decided")
    assert AuthorizedSender.objects.get(email="test.utilisateur@client.example").status == (
        "approved"
    )
    assert OutboundEmail.objects.filter(
        recipient="test.utilisateur@client.example", kind="esecure_approved"
    ).exists()

    # The admin signs in and opens the eSecure area.
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Nom d'utilisateur ou e-mail").fill("paul.dubois")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.goto(live_server.url + "/esecure/")
    tabs = page.get_by_role("navigation", name="Rubriques eSecure")
    expect(tabs.get_by_role("link", name=re.compile("Utilisateurs autorisés"))).to_have_attribute(
        "aria-current", "page"
    )
    row = page.get_by_role("row", name=re.compile("test.utilisateur@client.example"))
    expect(row).to_contain_text("Approuvé")
    expect(row).to_contain_text("Paul Dubois")
    screenshot("esecure-tab-senders")

    # Approve one pending history sender with its row's button.
    page.get_by_role("button", name="Approuver marc@horlogerie.example").click()
    expect(page.get_by_role("status").first).to_contain_text("1 utilisateur approuvé")
    expect(page.get_by_role("row", name=re.compile("marc@horlogerie"))).to_contain_text("Approuvé")

    # Authorized domains: add one.
    tabs.get_by_role("link", name="Domaines autorisés").click()
    page.get_by_role("link", name="Ajouter").click()
    page.get_by_label("Nom de domaine").fill("@Horlogerie.Example ")
    page.get_by_role("button", name="Ajouter").click()
    expect(page.get_by_role("row", name=re.compile("horlogerie.example"))).to_contain_text("Actif")
    screenshot("esecure-domain-added")
    assert AuthorizedDomain.objects.get().domain == "horlogerie.example"

    # A free-mail domain asks for an explicit confirmation.
    page.get_by_role("link", name="Ajouter").click()
    page.get_by_label("Nom de domaine").fill("gmail.com")
    page.get_by_role("button", name="Ajouter").click()
    # Said under the field, and in the error summary that takes focus, with a link to the field.
    expect(page.locator("#id_domain_error")).to_contain_text("messagerie publique")
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link", name=re.compile("messagerie publique"))).to_be_visible()
    confirm = page.get_by_label(re.compile("Je confirme autoriser tout le domaine gmail.com"))
    expect(confirm).to_be_visible()
    screenshot("esecure-domain-free-mail")
    assert AuthorizedDomain.objects.count() == 1

    tabs.get_by_role("link", name="Administrateurs clients").click()
    expect(page.get_by_role("row", name=re.compile("paul.dubois@horlogerie"))).to_be_visible()
    screenshot("esecure-tab-admins")

    tabs.get_by_role("link", name="Numéros de compte").click()
    expect(page.get_by_role("row", name=re.compile("950000033"))).to_contain_text("Actif")
    screenshot("esecure-tab-accounts")
    page.get_by_role("link", name="Modifier 950000033").click()
    page.get_by_label("Date de début").fill("2030-05-01")
    page.get_by_label("Date de fin").fill("2030-04-01")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator("#id_ends_on_error")).to_contain_text(
        "La date de fin doit être égale ou postérieure"
    )
    expect(page.locator("[data-error-summary]")).to_be_focused()
    screenshot("esecure-account-edit-error")
    page.get_by_label("Date de fin").fill("2030-12-31")
    page.get_by_label(re.compile("Consentement")).check()
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("row", name=re.compile("950000033"))).to_contain_text("Oui")
    protected.refresh_from_db()
    assert protected.show_admin_contacts and str(protected.ends_on) == "2030-12-31"

    tabs.get_by_role("link", name="Domaines autorisés").click()
    screenshot("esecure-tab-domains")

    tabs.get_by_role("link", name=re.compile("Utilisateurs autorisés")).click()
    page.get_by_role("link", name="Téléverser").click()
    # The upload goes through the imports engine: template, dry run, then one click.
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("Utilisateurs autorisés"))
    screenshot("esecure-upload")
    page.get_by_label("Fichier CSV").set_input_files(
        files=[
            {
                "name": "utilisateurs.csv",
                "mimeType": "text/csv",
                "buffer": (
                    "E-mail;Nom\nzoe@horlogerie.example;Zoé Lefèvre\npas-une-adresse;\n"
                    "lea@horlogerie.example;Léa\nmarc@horlogerie.example;\n"
                ).encode("cp1252"),
            }
        ]
    )
    page.get_by_role("button", name="Importer").click()
    expect(page.get_by_role("row", name=re.compile("pas-une-adresse"))).to_contain_text("invalide")
    page.get_by_role("button", name="Lancer l'import").click()
    expect(page.get_by_role("heading", name=re.compile("Traitement · Terminé"))).to_be_visible()
    screenshot("esecure-upload-result")
    assert AuthorizedSender.objects.get(email="zoe@horlogerie.example").name == "Zoé Lefèvre"
