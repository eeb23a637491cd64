"""Signing in and choosing the company to act for, in a real browser (headless Chromium)."""

import re

from django.core.management import call_command
from playwright.sync_api import Page, expect

from portal.management.commands.seed_demo import DEFAULT_PASSWORD

LOGIN_PATH = "/accounts/login/"


def _sign_in(page: Page, url: str, *, login: str, password: str) -> None:
    page.goto(url + LOGIN_PATH)
    page.get_by_label("Nom d'utilisateur ou e-mail").fill(login)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()


def _stylesheet_loaded(page: Page) -> bool:
    return page.evaluate(
        """() => [...document.styleSheets].some(
            (sheet) => (sheet.href || "").endsWith("/static/css/sesame.css")
                && sheet.cssRules.length > 0)"""
    )


def test_demo_admin_signs_in_and_switches_company(page: Page, live_server, screenshot):
    call_command("seed_demo")
    _sign_in(page, live_server.url, login="admin.logiserv", password=DEFAULT_PASSWORD)

    # admin.logiserv acts for two companies: the portal asks which one first.
    expect(page.get_by_role("heading", name="Ma société")).to_be_visible()
    expect(page.get_by_role("heading", name="Sociétés tierces")).to_be_visible()
    page.get_by_role("button", name="LogiServ Partner GmbH").click()

    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text("LogiServ Partner GmbH")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    nav = page.locator("nav.main-nav")
    expect(nav.get_by_role("link", name="Tableau de bord")).to_be_visible()
    assert _stylesheet_loaded(page)
    screenshot("dashboard-fr")

    # Choosing another company in the header switcher submits at once (static/js/sesame.js).
    switcher = page.get_by_label("Société", exact=True)
    with page.expect_navigation():
        switcher.select_option(label="Helvetia Uhren AG")
    expect(heading).to_have_text("Helvetia Uhren AG")
    expect(heading).not_to_have_text("LogiServ Partner GmbH")
    expect(switcher).to_have_value(re.compile(r"\d+"))
    expect(switcher.locator("option:checked")).to_have_text("Helvetia Uhren AG")
    screenshot("dashboard-switched")

    languages = page.get_by_role("group", name="Langue")
    languages.get_by_role("button", name=re.compile(r"^EN\b")).click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(heading).to_have_text("Helvetia Uhren AG")
    screenshot("dashboard-en")
    expect(nav.get_by_role("link", name="Dashboard")).to_be_visible()


def test_sign_in_wrong_password_shows_error(page: Page, live_server, user, screenshot):
    _sign_in(page, live_server.url, login=user.username, password="not-the-password")

    # Focus starts on the error summary at the top of the form, not at the top of the page.
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("corrigez ce qui suit")
    expect(summary.get_by_role("listitem")).not_to_be_empty()
    expect(page).to_have_url(re.compile(re.escape(LOGIN_PATH) + r"$"))
    expect(page.get_by_label("Nom d'utilisateur ou e-mail")).to_have_value(user.username)
    expect(page.get_by_role("heading", level=1)).to_have_text("Se connecter")
    screenshot("sign-in-error")


def test_sign_in_page_fits_mobile_width(page: Page, live_server, screenshot):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + LOGIN_PATH)

    expect(page.get_by_role("button", name="Se connecter")).to_be_visible()
    assert _stylesheet_loaded(page)
    overflow = page.evaluate(
        "() => ({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})"
    )
    assert overflow["scroll"] <= overflow["inner"], overflow
    screenshot("sign-in-mobile")
