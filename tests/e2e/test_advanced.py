"""An advanced user finishes an invitation, in a real browser (headless Chromium).

The demo admin of Maison Verdier invites a person with rights on two customer accounts (one right
greyed out: the admin does not hold it on 820013), the person opens the link from the e-mail,
chooses a username and password, and sees their web-service key once. An expired link says so.
"""

import re
from datetime import timedelta

from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.models import Application, Invitation, Membership, User
from accounts.permissions import Scope
from accounts.services.grants import rights_set
from notifications.models import OutboundEmail
from portal.management.commands.seed_demo import DEFAULT_PASSWORD

LINK_RE = re.compile(r"https?://\S+?(/invitation/[\w-]+/)")


def _sign_in(page: Page, url: str, *, login: str, password: str) -> None:
    page.goto(url + "/accounts/login/")
    page.get_by_label("Nom d'utilisateur ou e-mail").fill(login)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()


def _admin_without_franking_on_820013() -> None:
    """The demo admin holds every Colissimo right; take « WS Affranchissement » on 820013 away so
    that the matrix shows a greyed-out box with its reason."""
    membership = Membership.objects.get(
        user__username="admin.verdier", company__name="Maison Verdier SARL"
    )
    app = Application.objects.get(code="colissimo-web-services")
    staff = User.objects.get(username="root")
    every = list(membership.company.accounts.values_list("pk", flat=True))
    fewer = list(membership.company.accounts.exclude(number="820013").values_list("pk", flat=True))
    rights = {
        p: Scope.of(accounts=fewer if p.code == "ws-franking" else every)
        for p in app.permissions.all()
    }
    rights_set(
        membership=membership,
        application=app,
        rights=rights,
        actor=staff,
        notify=False,
    )


def _field(page: Page, label: str):
    """A form control by its label, whether or not the label carries the required mark."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}\*?$"))


def _last_link() -> str:
    """The invitation link of the last e-mail received (the outbox shows it masked)."""
    body = next(m.body for m in reversed(mail.outbox) if LINK_RE.search(m.body))
    return LINK_RE.search(body)[1]


def test_an_advanced_user_finishes_an_invitation(page: Page, live_server, screenshot):
    call_command("seed_demo")
    _admin_without_franking_on_820013()
    _sign_in(page, live_server.url, login="admin.verdier", password=DEFAULT_PASSWORD)

    page.goto(live_server.url + "/advanced-users/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Utilisateurs avancés")
    expect(page.get_by_role("link", name="Ajouter un utilisateur avancé")).to_be_visible()
    expect(page.get_by_role("cell", name="820011, 820012")).to_be_visible()
    screenshot("advanced-list")

    page.get_by_role("link", name="Ajouter un utilisateur avancé").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ajouter un utilisateur avancé")
    _field(page, "Nom").fill("Lefèvre")
    _field(page, "Prénom").fill("Inès")
    _field(page, "Fonction").fill("Préparatrice de commandes")
    _field(page, "Téléphone").fill("+33 6 12 34 56 78")
    _field(page, "E-mail").fill("ines.lefevre@example.com")
    _field(page, "Confirmer l'e-mail").fill("ines.lefevre@example.com")
    _field(page, "Adresse").fill("4 allée des Tilleuls")
    _field(page, "Code postal").fill("59000")
    _field(page, "Ville").fill("Lille")
    _field(page, "Tag utilisateur").fill("NORD")
    tracking = (
        "Outil de suivi colis · Suivi limité au tag utilisateur (sans accès au service client)"
    )
    page.get_by_label(f"{tracking} · compte 820011").check()
    page.get_by_label(f"{tracking} · compte 820012").check()
    page.get_by_label("Web services Colissimo · WS Suivi · compte 820012").check()
    greyed = page.get_by_label("Web services Colissimo · WS Affranchissement · compte 820013")
    expect(greyed).to_be_disabled()
    expect(
        page.get_by_text("Vous ne détenez pas « WS Affranchissement » sur le compte 820013.")
    ).to_be_visible()
    screenshot("advanced-create")
    page.get_by_role("button", name="Enregistrer et envoyer l'invitation").click()

    expect(page.get_by_text("Invitation envoyée à ines.lefevre@example.com")).to_be_visible()
    row = page.get_by_role("row").filter(has_text="ines.lefevre@example.com")
    expect(row.get_by_text("Invitation en attente")).to_be_visible()
    screenshot("advanced-list-pending")

    # The invitee, not signed in, opens the link of the e-mail.
    link = _last_link()
    page.context.clear_cookies()
    page.goto(live_server.url + link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Finaliser votre compte")
    expect(page.get_by_text("Maison Verdier SARL")).to_be_visible()
    expect(page.get_by_label("Fonction")).to_have_value("Préparatrice de commandes")
    screenshot("advanced-invitation")
    _field(page, "Nom d'utilisateur").fill("ines.lefevre")
    _field(page, "Mot de passe").fill("Tilleuls-du-Nord-2026")
    _field(page, "Confirmer le mot de passe").fill("Tilleuls-du-Nord-2026")
    page.get_by_role("button", name="Créer mon compte").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Votre compte est prêt")
    key = page.get_by_role("textbox", name="Clé de connexion WS")
    expect(key).to_have_value(re.compile(r"^ses_[\w-]{20,}$"))
    screenshot("advanced-invitation-done")
    ready = OutboundEmail.objects.filter(kind="account_ready").latest("pk").body_text
    assert "820011, 820012" in ready

    # The same link, once more: used up.
    page.goto(live_server.url + link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Invitation déjà utilisée")

    # The person signs in with the username they chose.
    _sign_in(page, live_server.url, login="ines.lefevre", password="Tilleuls-du-Nord-2026")
    expect(page.get_by_role("button", name="Se connecter")).to_have_count(0)


def test_an_expired_invitation_says_so_and_offers_nothing(page: Page, live_server, screenshot):
    call_command("seed_demo")
    _sign_in(page, live_server.url, login="admin.verdier", password=DEFAULT_PASSWORD)
    page.goto(live_server.url + "/advanced-users/new/")
    for label, value in [
        ("Nom", "Garnier"),
        ("Prénom", "Paul"),
        ("Fonction", "Transitaire"),
        ("Téléphone", "0102030405"),
        ("E-mail", "paul.garnier@example.com"),
        ("Confirmer l'e-mail", "paul.garnier@example.com"),
        ("Adresse", "1 quai Sud"),
        ("Code postal", "13002"),
        ("Ville", "Marseille"),
    ]:
        _field(page, label).fill(value)
    page.get_by_role("button", name="Enregistrer et envoyer l'invitation").click()
    expect(page.get_by_text("Invitation envoyée")).to_be_visible()
    link = _last_link()

    # The rights page of Sophie Martin, then her association page as another company sees it.
    row = page.get_by_role("row").filter(has_text="sophie.martin")
    row.get_by_role("link", name="Droits").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Droits de Sophie Martin")
    screenshot("advanced-rights")
    martin = User.objects.get(username="avance.martin")
    page.goto(live_server.url + "/accounts/logout/")
    page.get_by_role("button", name="Se déconnecter").click()
    _sign_in(page, live_server.url, login="admin.lambert", password=DEFAULT_PASSWORD)
    page.goto(live_server.url + "/advanced-users/associate/")
    _field(page, "Clé utilisateur").fill(martin.user_key.upper())
    page.get_by_role("button", name="Rechercher").click()
    expect(page.get_by_text("sophie.martin@logistique-martin.example")).to_be_visible()
    screenshot("advanced-associate")

    Invitation.objects.filter(membership__user__email="paul.garnier@example.com").update(
        expires_at=timezone.now() - timedelta(minutes=5)
    )

    page.context.clear_cookies()
    page.goto(live_server.url + link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Invitation expirée")
    # Who to ask, without naming the company: an expired link says nothing of its invitation.
    expect(page.get_by_text("Demandez une nouvelle invitation")).to_contain_text(
        "la personne qui vous l'a envoyée"
    )
    expect(page.get_by_text("Maison Verdier SARL")).to_have_count(0)
    expect(page.get_by_role("button", name="Créer mon compte")).to_have_count(0)
    expect(page.get_by_label("Mot de passe")).to_have_count(0)
    screenshot("advanced-invitation-expired")
