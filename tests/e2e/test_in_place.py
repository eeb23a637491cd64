"""Decisions and saves in place (htmx) in a real browser: the page is never reloaded (a marker
set on `window` survives), what changed is swapped in, said in the live region, and the
keyboard keeps its place."""

import re

from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import Page, expect

from accounts.models import Grant, User
from approvals.models import AuthorizedSender, SenderStatus
from portal.management.commands.seed_demo import DEFAULT_PASSWORD
from tests.e2e.test_esecure import _setup
from tests.e2e.test_users import _admin_without_validation_and_accounting_address, _sign_in
from tests.factories import PASSWORD


def _mark(page: Page) -> None:
    page.evaluate("() => { window.stillTheSamePage = true; }")


def _not_reloaded(page: Page) -> bool:
    return page.evaluate("() => window.stillTheSamePage === true")


def test_admin_decides_senders_in_place(page: Page, live_server, screenshot):
    protected, _paul = _setup()
    _sign_in(page, live_server.url, login="paul.dubois", password=PASSWORD)
    page.goto(live_server.url + "/esecure/")
    tabs = page.get_by_role("navigation", name="Rubriques eSecure")
    expect(tabs).to_contain_text("2 en attente")
    _mark(page)

    # One row's button: the row changes, the count goes down, the live region says it.
    page.get_by_role("button", name="Approuver marc@horlogerie.example").click()
    marc = page.get_by_role("row", name=re.compile("marc@horlogerie"))
    expect(marc).to_contain_text("Approuvé")
    expect(marc).to_contain_text("par Paul Dubois")
    expect(page.locator("#live-status")).to_have_text("1 utilisateur approuvé.")
    expect(tabs).to_contain_text("1 en attente")
    # The clicked button is gone (approved): the keyboard is on the row's other button.
    expect(marc.get_by_role("button", name="Rejeter marc@horlogerie.example")).to_be_focused()
    assert _not_reloaded(page) and page.url == live_server.url + "/esecure/"
    screenshot("in-place-sender-approved")

    # The bulk form, with a ticked row.
    page.get_by_label("lea@horlogerie.example").check()
    page.get_by_role("button", name="Rejeter", exact=True).click()
    lea = page.get_by_role("row", name=re.compile("lea@horlogerie"))
    expect(lea).to_contain_text("Rejeté")
    expect(page.locator("#live-status")).to_have_text("1 utilisateur rejeté.")
    expect(page.get_by_label("lea@horlogerie.example")).not_to_be_checked()
    expect(tabs).not_to_contain_text("en attente")
    assert _not_reloaded(page)
    assert dict(AuthorizedSender.objects.values_list("email", "status")) == {
        "marc@horlogerie.example": SenderStatus.APPROVED,
        "lea@horlogerie.example": SenderStatus.REJECTED,
        "ancien@prestataire.example": SenderStatus.REJECTED,
    }

    # The service's refusal shows in the row it is about.
    tabs.get_by_role("link", name="Administrateurs clients").click()
    _mark(page)
    row = page.get_by_role("row", name=re.compile("paul.dubois@horlogerie"))
    row.get_by_role("button", name="Désactiver paul.dubois@horlogerie.example").click()
    expect(row.locator(".row-error")).to_contain_text("au moins un administrateur client actif")
    expect(row).to_contain_text("Actif")
    assert _not_reloaded(page)
    screenshot("in-place-admin-refused")

    # Account numbers: a deactivation asks first; cancelling sends nothing.
    tabs.get_by_role("link", name="Numéros de compte").click()
    _mark(page)
    row = page.get_by_role("row", name=re.compile("950000033"))
    page.once("dialog", lambda dialog: dialog.dismiss())
    row.get_by_role("button", name="Désactiver 950000033").click()
    expect(row).to_contain_text("Actif")
    page.once("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name="Désactiver 950000033").click()
    expect(row).to_contain_text("Inactif")
    expect(row.get_by_role("button", name="Activer 950000033")).to_be_focused()
    assert _not_reloaded(page)
    protected.refresh_from_db()
    assert not protected.is_active
    screenshot("in-place-account-deactivated")


def test_admin_saves_an_applications_rights_in_place(page: Page, live_server, screenshot):
    call_command("seed_demo")
    _admin_without_validation_and_accounting_address()
    person = User.objects.get(username="user.lambert")
    url = live_server.url + reverse("accounts:user-rights-edit", args=[person.pk, "emasspost"])
    _sign_in(page, live_server.url, login="admin.lambert", password=DEFAULT_PASSWORD)
    page.goto(url)
    _mark(page)
    page.get_by_label(re.compile("^999009")).check()
    page.get_by_label(re.compile("^Imprimerie Lambert - Atelier")).check()
    page.get_by_label("Résumé de dépôt").check()
    page.get_by_role("button", name="Enregistrer").click()

    saved = "Les droits e-Masspost d'user.lambert sont enregistrés."  # French elision
    expect(page.locator("#live-status")).to_have_text(saved)
    expect(page.locator("#rights-section .saved-note")).to_contain_text(saved)
    # The section as now saved: ticked, and greyed with its reason as before.
    expect(page.get_by_label("Résumé de dépôt")).to_be_checked()
    expect(page.get_by_label("Validation + prix")).to_be_disabled()
    # One reason for every greyed right, said once and read with each box.
    expect(
        page.get_by_text(re.compile("^Vous ne détenez aucun de ces droits e-Masspost"))
    ).to_be_visible()
    expect(page.get_by_label("Validation + prix")).to_have_accessible_description(
        re.compile("^Vous ne détenez aucun de ces droits e-Masspost")
    )
    expect(page.get_by_role("button", name="Enregistrer")).to_be_focused()
    assert _not_reloaded(page) and page.url == url
    screenshot("in-place-rights-saved")
    grants = Grant.objects.filter(membership__user=person)
    assert grants.filter(permission__code="deposit-summary").exists()

    # A right sent past the ceiling (the box un-greyed by hand): refused, said, focused.
    page.evaluate(
        "() => document.querySelector('input[disabled][name=permissions]').disabled = false"
    )
    page.get_by_label("Validation + prix").check()
    page.get_by_role("button", name="Enregistrer").click()
    refusal = page.locator("#rights-errors")
    expect(refusal).to_contain_text("Rien n'a été enregistré")
    expect(refusal).to_be_focused()
    expect(page.locator("#live-status")).to_be_empty()  # no stale « saved » above it
    expect(page.get_by_label("Validation + prix")).to_be_disabled()
    assert _not_reloaded(page)
    screenshot("in-place-rights-refused")
    assert not grants.filter(permission__code="validate-price").exists()
