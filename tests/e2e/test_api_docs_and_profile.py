"""The API documentation page renders under the CSP, and an advanced user sees their rights and
regenerates their API key, in a real browser (headless Chromium)."""

import re

from django.core.management import call_command
from playwright.sync_api import Page, expect

from portal.management.commands.seed_demo import DEFAULT_PASSWORD


def _watch_csp(page: Page) -> list[str]:
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation',"
        " e => console.error('CSP ' + e.violatedDirective + ' ' + e.blockedURI))"
    )
    return problems


def test_api_docs_render_both_operations_without_csp_errors(page: Page, live_server, screenshot):
    problems = _watch_csp(page)
    page.goto(live_server.url + "/api/v1/docs")
    operations = page.locator(".opblock-summary-path")
    expect(operations).to_have_count(3)  # rights, rights/check, sender-checks
    expect(operations.filter(has_text=re.compile(r"^/api/v1/rights/check$"))).to_be_visible()
    screenshot("api-docs")
    assert problems == []


def test_advanced_user_sees_rights_and_regenerates_key(page: Page, live_server, screenshot):
    call_command("seed_demo")
    problems = _watch_csp(page)
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Nom d'utilisateur ou e-mail").fill("avance.martin")
    page.get_by_label("Mot de passe").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.goto(live_server.url + "/me/")
    rights = page.get_by_role("region", name="Mes droits")
    expect(rights.get_by_role("heading", name=re.compile("Maison Verdier SARL"))).to_be_visible()
    expect(rights.get_by_text("820012")).to_be_visible()
    screenshot("profile-rights")

    page.get_by_role("link", name="Gérer ma clé d'API").click()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name=re.compile("Générer ma clé|Régénérer la clé")).click()
    key = page.get_by_role("textbox", name="Clé d'API").input_value()
    assert key.startswith("ses_")
    screenshot("api-key-shown-once")
    page.goto(live_server.url + "/me/api-key/")
    expect(page.get_by_role("textbox", name="Clé d'API")).to_have_count(0)
    assert key not in page.content()
    assert problems == []
