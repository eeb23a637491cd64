"""An administrator manages a standard user in a real browser (headless Chromium): creates
them, grants e-Masspost rights on two billing addresses, sees a right greyed with its reason,
deactivates them."""

import re

from django.core.management import call_command
from playwright.sync_api import Page, expect

from accounts.models import Grant, GrantStatus, Membership, MembershipStatus, User
from portal.management.commands.seed_demo import DEFAULT_PASSWORD

LOGIN_PATH = "/accounts/login/"
NEW_PASSWORD = "Tulipe-Verte-2026!"


def _sign_in(page: Page, url: str, *, login: str, password: str) -> None:
    page.goto(url + LOGIN_PATH)
    page.get_by_label("Nom d'utilisateur ou e-mail").fill(login)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()


def _admin_without_validation_and_accounting_address() -> None:
    """admin.lambert holds every e-Masspost right: take « Validation + prix » away, and the
    accounting address from every right, so that both show greyed."""
    grants = Grant.objects.filter(
        membership__user__username="admin.lambert",
        permission__application__code="emasspost",
        status=GrantStatus.ACTIVE,
    )
    grants.filter(permission__code="validate-price").update(status=GrantStatus.REVOKED)
    for grant in grants.exclude(permission__code="validate-price"):
        grant.billing_addresses.remove(
            *grant.billing_addresses.filter(name="Imprimerie Lambert - Comptabilité")
        )


def _no_horizontal_overflow(page: Page) -> bool:
    return page.evaluate(
        "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def test_admin_creates_grants_sees_greyed_right_and_deactivates(
    page: Page, live_server, screenshot
):
    call_command("seed_demo")
    _admin_without_validation_and_accounting_address()
    _sign_in(page, live_server.url, login="admin.lambert", password=DEFAULT_PASSWORD)

    # « Mes utilisateurs »: the standard users of Imprimerie Lambert SA.
    nav = page.get_by_role("navigation", name="Navigation principale")
    nav.get_by_role("link", name="Mes utilisateurs").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes utilisateurs")
    table = page.get_by_role("table")
    expect(table.get_by_role("row", name=re.compile(r"user\.lambert"))).to_be_visible()
    expect(table.get_by_role("link", name="Nom d'utilisateur")).to_be_visible()
    assert _no_horizontal_overflow(page)
    screenshot("users-list")

    # Create a user.
    page.get_by_role("link", name="Créer un utilisateur", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Créer un utilisateur")
    page.get_by_label("Nom d'utilisateur").fill("sophie.leroy")
    page.get_by_label("Mot de passe temporaire").fill(NEW_PASSWORD)
    page.get_by_label("Confirmer le mot de passe").fill(NEW_PASSWORD)
    page.get_by_label("Civilité").select_option(label="Mme")
    page.get_by_label("Prénom").fill("Sophie")
    page.locator("#id_last_name").fill("Leroy")
    page.get_by_label("Adresse e-mail").fill("sophie.leroy@lambert.example")
    page.get_by_label("Langue").select_option("fr")
    page.get_by_label("Fonction").fill("Préparatrice de dépôts")
    page.get_by_label("Récupération du mot de passe en libre-service").check()
    screenshot("users-create-form")
    page.get_by_role("button", name="Créer l'utilisateur").click()

    # Her rights page: no application right yet.
    expect(page.get_by_role("heading", level=1)).to_have_text("Droits de sophie.leroy")
    expect(page.get_by_role("status").filter(has_text="aucun droit")).to_be_visible()
    emasspost = page.get_by_role("row", name=re.compile("e-Masspost"))
    expect(emasspost).to_contain_text("Aucun droit")
    screenshot("users-rights-overview-empty")
    emasspost.get_by_role("link", name=re.compile("Sélectionner")).click()

    # e-Masspost: two billing addresses, two rights; « Validation + prix » is greyed.
    expect(page.get_by_role("heading", level=1)).to_contain_text("e-Masspost")
    validation = page.get_by_label("Validation + prix")
    expect(validation).to_be_disabled()
    # One reason for every greyed right, said once and read with each box.
    expect(
        page.get_by_text(re.compile("^Vous ne détenez aucun de ces droits e-Masspost"))
    ).to_be_visible()
    expect(page.get_by_label("Validation + prix")).to_have_accessible_description(
        re.compile("^Vous ne détenez aucun de ces droits e-Masspost")
    )
    accounting = page.get_by_label(re.compile("^Imprimerie Lambert - Comptabilité"))
    expect(accounting).to_be_disabled()
    page.get_by_label(re.compile("^999009")).check()
    page.get_by_label(re.compile("^Imprimerie Lambert - Siège")).check()
    page.get_by_label(re.compile("^Imprimerie Lambert - Atelier")).check()
    page.get_by_label("Lettre", exact=True).check()
    page.get_by_label("Création", exact=True).check()
    page.get_by_label("Résumé de dépôt").check()
    validation.scroll_into_view_if_needed()
    screenshot("users-rights-edit-greyed")
    page.get_by_role("button", name="Enregistrer").click()

    # Saved in place (htmx): said on the page, then back to the overview.
    expect(page.get_by_role("status").filter(has_text="sont enregistrés")).to_be_visible()
    page.get_by_role("link", name="Retour aux droits").click()
    emasspost = page.get_by_role("row", name=re.compile("e-Masspost"))
    expect(emasspost).to_contain_text("Création")
    expect(emasspost).to_contain_text("Imprimerie Lambert - Atelier")
    assert _no_horizontal_overflow(page)
    screenshot("users-rights-overview")
    membership = Membership.objects.get(user__username="sophie.leroy")
    grant = Grant.objects.get(membership=membership, permission__code="create")
    assert sorted(grant.billing_addresses.values_list("name", flat=True)) == [
        "Imprimerie Lambert - Atelier",
        "Imprimerie Lambert - Siège",
    ]

    # Deactivate her from the list (the browser asks to confirm).
    nav.get_by_role("link", name="Mes utilisateurs").click()
    page.once("dialog", lambda dialog: dialog.accept())
    row = page.get_by_role("row", name=re.compile(r"sophie\.leroy"))
    row.get_by_role("button", name="Désactiver").click()
    expect(page.get_by_role("status").filter(has_text="désactivé : plus de")).to_be_visible()
    row = page.get_by_role("row", name=re.compile(r"sophie\.leroy"))
    expect(row).to_contain_text("Désactivé")
    expect(row.get_by_role("button", name="Réactiver")).to_be_visible()
    expect(page.get_by_label("Afficher les utilisateurs désactivés")).to_be_checked()
    assert _no_horizontal_overflow(page)
    screenshot("users-list-after-deactivation")
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.DEACTIVATED
    assert not User.objects.get(username="sophie.leroy").is_active


def test_admin_creates_technical_user_and_copies_rights(page: Page, live_server, screenshot):
    call_command("seed_demo")
    _sign_in(page, live_server.url, login="admin.lambert", password=DEFAULT_PASSWORD)
    page.goto(live_server.url + "/users/")
    page.get_by_role("link", name="Créer un utilisateur technique").click()
    page.get_by_label("Nom d'utilisateur").fill("erp.lambert")
    page.get_by_label("Libellé").fill("ERP — dépôts automatiques")
    screenshot("users-technical-form")
    page.get_by_role("button", name="Créer et afficher la clé").click()

    key = page.get_by_label("Clé", exact=True)
    expect(key).to_have_value(re.compile(r"^ses_"))
    expect(page.get_by_text("elle ne sera plus jamais affichée")).to_be_visible()
    screenshot("users-technical-key")

    page.get_by_role("link", name="Donner des droits").click()
    row = page.get_by_role("row", name=re.compile("e-Masspost"))
    row.get_by_role("link", name=re.compile("Copier tous mes droits")).click()
    expect(page.get_by_role("heading", name="Sera ajouté")).to_be_visible()
    screenshot("users-rights-copy-preview")
    page.get_by_role("button", name="Copier ces droits").click()
    expect(page.get_by_role("status").filter(has_text="sont copiés")).to_be_visible()
    assert Grant.objects.filter(
        membership__user__username="erp.lambert", status=GrantStatus.ACTIVE
    ).exists()
    page.get_by_role("link", name="Modifier l'utilisateur").click()
    expect(page.get_by_label("Libellé")).to_have_value("ERP — dépôts automatiques")
    expect(page.get_by_role("button", name="Émettre une nouvelle clé")).to_be_visible()
    screenshot("users-edit-technical")
