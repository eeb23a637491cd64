"""bpost routers in a real browser: the customer's admin finds a router in the directory and
gives it a right on one account, with an end date; the router's admin accepts it and hands it on
to one of the router's users, who sees it on their own page; the customer withdraws the router,
and the router's user has lost the right."""

import re

from django.core.management import call_command
from playwright.sync_api import Page, expect

from accounts.models import Company, User
from accounts.selectors import right_check
from accounts.selectors.rights import UnknownItem
from portal.management.commands.seed_demo import DEFAULT_PASSWORD
from tests.factories import AdminMembershipFactory, MembershipFactory, UserFactory

LOGIN_PATH = "/accounts/login/"
ROUTER = "Ardenne Routage SA"
CUSTOMER = "Imprimerie Lambert SA"
ACCOUNT = "999010"


def _sign_in(page: Page, url: str, *, login: str) -> None:
    page.goto(url + LOGIN_PATH)
    page.get_by_label("Nom d'utilisateur ou e-mail").fill(login)
    page.get_by_label("Mot de passe").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("navigation", name="Navigation principale")).to_be_visible()


def _sign_out(page: Page, url: str) -> None:
    page.goto(url + "/accounts/logout/")
    page.get_by_role("button", name="Se déconnecter").click()


def _nav(page: Page, name: str) -> None:
    nav = page.get_by_role("navigation", name="Navigation principale")
    nav.get_by_role("link", name=name).click()


def _router_people() -> None:
    router = Company.objects.get(name=ROUTER)
    for username, factory in (("admin.ardenne", AdminMembershipFactory), ("user.ardenne", None)):
        user = UserFactory(
            username=username,
            email=f"{username}@ardenne.example",
            first_name="Chloé" if factory else "Noah",
            last_name="Masson" if factory else "Lambot",
            password=DEFAULT_PASSWORD,
        )
        (factory or MembershipFactory)(user=user, company=router)


def _holds(username: str) -> bool:
    """The rights engine's yes/no check (an account of a customer the person never got
    anything from is unknown to them: not held)."""
    user = User.objects.get(username=username)
    try:
        check = right_check(
            user=user, application="parcels-national", permission="user", account=ACCOUNT
        )
    except UnknownItem:
        return False
    return check.allowed


def test_bpost_router_flow(page: Page, live_server, screenshot):
    call_command("seed_demo")
    _router_people()
    url = live_server.url

    # The customer's admin finds the router in the directory and gives it a right.
    _sign_in(page, url, login="admin.lambert")
    _nav(page, "Routeurs")
    expect(page.get_by_role("heading", level=1)).to_have_text("Routeurs")
    screenshot("routers-list")
    page.get_by_label("Nom ou ville").fill("Zanzibar")
    page.get_by_role("button", name="Rechercher").click()
    expect(page.get_by_text("Aucun routeur ne correspond à cette recherche.")).to_be_visible()
    screenshot("routers-search-none")
    page.get_by_label("Nom ou ville").fill("Namur")
    page.get_by_role("button", name="Rechercher").click()
    directory = page.get_by_role("table", name="Annuaire des routeurs")
    expect(directory.get_by_role("row")).to_have_count(2)  # the header and Ardenne Routage
    screenshot("routers-search")
    directory.get_by_role("link", name=f"Donner des droits à {ROUTER}").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(ROUTER)
    screenshot("router-rights-empty")
    page.get_by_role("link", name="Donner des droits — Parcels National").click()
    page.get_by_label(re.compile(rf"^{ACCOUNT}")).check()
    page.get_by_label("Utilisateur", exact=True).check()
    page.get_by_label("Date de fin (facultative)").fill("2099-12-31")
    screenshot("router-rights-edit")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text(f"Droits Parcels National d'{ROUTER} enregistrés.")).to_be_visible()
    received = page.locator("section", has=page.get_by_role("heading", name=re.compile("reçu")))
    expect(received.get_by_text(ACCOUNT)).to_be_visible()
    expect(received.get_by_text("31/12/2099")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("Parcels National 1 droit"))).to_be_visible()
    screenshot("router-rights-given")
    assert not _holds("user.ardenne")
    _sign_out(page, url)

    # The router's admin accepts and hands the right on to one of the router's users.
    _sign_in(page, url, login="admin.ardenne")
    _nav(page, "Droits reçus")
    customer = page.locator("section", has=page.get_by_role("heading", name=CUSTOMER))
    expect(customer.get_by_text("En attente de votre réponse")).to_be_visible()
    screenshot("received-pending")
    customer.get_by_role("button", name=f"Accepter les droits en attente d'{CUSTOMER}").click()
    expect(page.get_by_text(f"Droits d'{CUSTOMER} acceptés.")).to_be_visible()
    expect(customer.get_by_role("cell", name="personne pour l'instant")).to_be_visible()
    customer.locator("summary", has_text="Transmettre").click()
    customer.get_by_label("Utilisateur").select_option(label="user.ardenne (Noah Lambot)")
    customer.get_by_label(re.compile(rf"^{ACCOUNT}")).check()
    screenshot("received-hand-on")
    customer.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Droit transmis enregistré.")).to_be_visible()
    expect(customer.get_by_role("cell", name=f"user.ardenne — {ACCOUNT}")).to_be_visible()
    screenshot("received-handed-on")
    assert _holds("user.ardenne")
    _sign_out(page, url)

    # The router's user sees the right on their own page, under the router, on the account.
    _sign_in(page, url, login="user.ardenne")
    page.goto(url + "/me/")
    rights = page.locator("section", has=page.get_by_role("heading", name=ROUTER))
    expect(rights.get_by_text(ACCOUNT)).to_be_visible()
    expect(rights.get_by_text("Parcels National")).to_be_visible()
    screenshot("router-user-me")
    _sign_out(page, url)

    # The customer withdraws the router: what was handed on goes with it.
    _sign_in(page, url, login="admin.lambert")
    _nav(page, "Routeurs")
    partners = page.get_by_role("table", name="Routeurs qui ont reçu des droits de votre société")
    row = partners.get_by_role("row", name=re.compile(ROUTER))
    questions: list[str] = []
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.accept()))
    row.get_by_role("button", name=f"Retirer les droits d'{ROUTER}").click()
    expect(page.get_by_text(re.compile(f"Les droits d'{ROUTER} sont retirés"))).to_be_visible()
    assert questions and ROUTER in questions[0]
    screenshot("routers-withdrawn")
    _sign_out(page, url)

    # The router's user has lost the right: their page no longer lists it, nor does the check.
    _sign_in(page, url, login="user.ardenne")
    page.goto(url + "/me/")
    expect(page.get_by_text(ACCOUNT)).to_have_count(0)
    screenshot("router-user-me-after")
    assert not _holds("user.ardenne")
