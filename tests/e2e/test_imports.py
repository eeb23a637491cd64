"""Importing advanced users in a real browser (headless Chromium): the demo admin of Maison
Verdier downloads the template, fills it, uploads it as a dry run, runs it with one click and
downloads the result file."""

import re

from django.core.management import call_command
from playwright.sync_api import Page, expect

from portal.management.commands.seed_demo import DEFAULT_PASSWORD


def _sign_in(page: Page, url: str) -> None:
    page.goto(url + "/accounts/login/")
    page.get_by_label("Nom d'utilisateur ou e-mail").fill("admin.verdier")
    page.get_by_label("Mot de passe").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()


def test_an_admin_imports_advanced_users(page: Page, live_server, screenshot, tmp_path):
    call_command("seed_demo")
    _sign_in(page, live_server.url)
    page.get_by_role("link", name="Imports").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("Import : "))

    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger le modèle (CSV)").click()
    template = download.value.path().read_bytes().decode("utf-8-sig").splitlines()
    header, example = template[0], template[1].split(";")
    rows = [header, ";".join(example)]
    for i in range(2):
        row = list(example)
        row[0], row[3] = f"Lefèvre{i}", f"ines.{i}@example.com"
        rows.append(";".join(row))
    bad = list(example)
    bad[0], bad[3] = '=HYPERLINK("http://x")', "pas-une-adresse"
    rows.append(";".join(bad))
    upload = tmp_path / "personnes.csv"
    upload.write_bytes("\r\n".join(rows).encode("cp1252"))
    screenshot("imports-kind")

    page.get_by_label("Fichier CSV").set_input_files(str(upload))
    page.get_by_role("button", name="Importer").click()
    expect(page.get_by_role("button", name="Lancer l'import")).to_be_visible()
    refused = page.get_by_role("cell", name=re.compile("Informations de l'utilisateur"))
    expect(refused).to_be_visible()
    screenshot("imports-dry-run")

    page.get_by_role("button", name="Lancer l'import").click()
    expect(page.get_by_role("heading", name=re.compile("Traitement · Terminé"))).to_be_visible()
    expect(page.get_by_text("disponible jusqu")).to_be_visible()
    screenshot("imports-done")
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger le résultat (CSV)").click()
    result = download.value.path().read_bytes().decode("utf-8-sig")
    assert "'=HYPERLINK" in result and result.count("OK") >= 3
