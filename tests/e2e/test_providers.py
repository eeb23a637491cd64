"""Swiss Post provider access in a real browser: the mandant's admin offers rights, the provider
accepts from the e-mailed link, switches to the mandant and sees the rights on their page."""

import re

from django.core import mail
from django.core.management import call_command
from playwright.sync_api import Page, expect

from accounts.models import Company
from portal.management.commands.seed_demo import DEFAULT_PASSWORD
from tests.factories import MembershipFactory, UserFactory

LOGIN_PATH = "/accounts/login/"
LINK_RE = re.compile(r"https?://\S+(/provider-access/[\w-]+/)")


def _sign_in(page: Page, url: str, *, login: str) -> None:
    page.goto(url + LOGIN_PATH)
    page.get_by_label("Nom d'utilisateur ou e-mail").fill(login)
    page.get_by_label("Mot de passe").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()


def test_swiss_provider_flow(page: Page, live_server, screenshot):
    call_command("seed_demo")
    lea = UserFactory(
        username="lea.frei", email="lea.frei@logiserv.example", password=DEFAULT_PASSWORD
    )
    MembershipFactory(user=lea, company=Company.objects.get(name="LogiServ Partner GmbH"))

    # The mandant's admin offers provider access from « Mes utilisateurs ».
    _sign_in(page, live_server.url, login="admin.helvetia")
    page.goto(live_server.url + "/users/")
    page.get_by_role("link", name="Ajouter un prestataire").first.click()
    page.get_by_label("Adresse e-mail du prestataire").fill("lea.frei@logiserv.example")
    page.get_by_label("Remarque (facultatif)").fill("Commandes du débiteur Versand")
    page.locator("summary", has_text="Centre clientèle").click()
    page.get_by_label(re.compile(r"^40001234")).check()
    page.get_by_label("Commandes de produits contractuels").check()
    screenshot("provider-offer")
    page.get_by_role("button", name="Envoyer la demande").click()
    expect(page.get_by_text("Demande envoyée à lea.frei@logiserv.example")).to_be_visible()
    expect(page.get_by_role("cell", name=re.compile("lea.frei@logiserv.example"))).to_be_visible()
    screenshot("provider-list-pending")

    # The provider opens the e-mailed link, signs in with their own login and accepts.
    (body,) = [m.body for m in mail.outbox if m.to == ["lea.frei@logiserv.example"]]
    link = LINK_RE.search(body)[1]
    page.goto(live_server.url + "/accounts/logout/")
    page.get_by_role("button", name="Se déconnecter").click()
    page.goto(live_server.url + link)
    expect(page.get_by_text("Helvetia Uhren AG").first).to_be_visible()
    page.get_by_role("link", name="Se connecter pour répondre").click()
    page.get_by_label("Nom d'utilisateur ou e-mail").fill("lea.frei")
    page.get_by_label("Mot de passe").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", name="Autorisation en tant que prestataire")).to_be_visible()
    screenshot("provider-link")
    page.get_by_role("button", name="Accepter l'accès prestataire").click()
    expect(page.get_by_text("Accès prestataire accepté")).to_be_visible()
    screenshot("provider-mine")

    # The mandant is now a third-party company; acting for it, the rights show on « Mon compte ».
    page.goto(live_server.url + "/company/")
    expect(page.get_by_role("heading", name="Sociétés tierces")).to_be_visible()
    page.get_by_role("button", name="Helvetia Uhren AG").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Helvetia Uhren AG")
    page.goto(live_server.url + "/me/")
    rights = page.locator("section", has=page.get_by_role("heading", name="Helvetia Uhren AG"))
    rights.locator("summary", has_text="Centre clientèle").click()  # details on demand
    expect(rights.get_by_text("Commandes de produits contractuels")).to_be_visible()
    expect(rights.get_by_text("40001234")).to_be_visible()
    screenshot("provider-rights")
    # Never the mandant's user management.
    response = page.goto(live_server.url + "/users/")
    assert response is not None and response.status == 403
