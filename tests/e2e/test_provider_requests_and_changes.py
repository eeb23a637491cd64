"""Provider access in a real browser, after the offer: a provider asks a company for access, the
company's admin answers with an offer, then sets an end date and changes the provider's rights."""

import re

from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import Page, expect

from accounts.models import Company
from delegation import services
from delegation.models import ProviderAccess
from portal.management.commands.seed_demo import DEFAULT_PASSWORD
from tests.factories import MembershipFactory, UserFactory

LOGIN_PATH = "/accounts/login/"


def _sign_in(page: Page, url: str, *, login: str) -> None:
    page.goto(url + LOGIN_PATH)
    page.get_by_label("Nom d'utilisateur ou e-mail").fill(login)
    page.get_by_label("Mot de passe").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()


def _sign_out(page: Page, url: str) -> None:
    page.goto(url + "/accounts/logout/")
    page.get_by_role("button", name="Se déconnecter").click()


def test_provider_asks_then_the_mandant_grants_ends_and_changes(
    page: Page, live_server, screenshot
):
    call_command("seed_demo")
    lea = UserFactory(
        username="lea.frei", email="lea.frei@logiserv.example", password=DEFAULT_PASSWORD
    )
    MembershipFactory(user=lea, company=Company.objects.get(name="LogiServ Partner GmbH"))
    url = live_server.url

    # The provider asks from their own page; the answer says nothing about the company.
    _sign_in(page, url, login="lea.frei")
    page.goto(url + reverse("delegation:provider-list-mine"))
    page.get_by_label("Numéro de compte client de la société").fill("40001234")
    page.get_by_label("Message aux administrateurs de la société").fill(
        "Je prépare les envois du débiteur Versand."
    )
    page.get_by_role("button", name="Envoyer la demande").click()
    expect(page.get_by_text("Votre demande a été envoyée")).to_be_visible()
    screenshot("provider-ask-sent")
    _sign_out(page, url)

    # The mandant's admin finds it above the providers and answers with an offer.
    _sign_in(page, url, login="admin.helvetia")
    page.goto(url + reverse("delegation:provider-list"))
    requests = page.locator("section", has=page.get_by_role("heading", name="Demandes d'accès"))
    expect(requests.get_by_text("Je prépare les envois du débiteur Versand.")).to_be_visible()
    screenshot("provider-requests")
    requests.get_by_role("link", name="Accorder des droits à lea.frei@logiserv.example").click()
    expect(page.get_by_label("Adresse e-mail du prestataire")).to_have_value(
        "lea.frei@logiserv.example"
    )
    page.locator("summary", has_text="Centre clientèle").click()
    page.get_by_label(re.compile(r"^40001234")).check()
    page.get_by_label("Commandes de produits contractuels").check()
    page.get_by_role("button", name="Envoyer la demande").click()
    expect(page.get_by_text("Demande envoyée à lea.frei@logiserv.example")).to_be_visible()
    expect(page.get_by_role("heading", name="Demandes d'accès reçues")).to_have_count(0)

    # The provider accepts (as in the offer flow); the admin sets an end date from the list.
    access = ProviderAccess.objects.get(email="lea.frei@logiserv.example")
    services.provider_access_accept(access=access, user=lea)
    page.reload()
    row = page.get_by_role("row", name=re.compile("lea.frei@logiserv.example"))
    row.get_by_text("Fixer une fin").click()
    row.get_by_label("Date de fin").fill("2099-06-30")
    row.get_by_role("button", name="Enregistrer la date").click()
    expect(page.get_by_text("prend désormais fin le 30/06/2099")).to_be_visible()
    screenshot("provider-list-end-date")

    # … and changes the provider's rights with the same editor.
    row = page.get_by_role("row", name=re.compile("lea.frei@logiserv.example"))
    row.get_by_role("link", name="Droits de lea.frei@logiserv.example").click()
    expect(page.get_by_label("Commandes de produits contractuels")).to_be_checked()
    page.get_by_label(re.compile(r"^40001235")).check()
    screenshot("provider-rights-edit")
    page.get_by_role("button", name="Enregistrer les droits").click()
    expect(page.get_by_text("Droits de lea.frei@logiserv.example enregistrés")).to_be_visible()
