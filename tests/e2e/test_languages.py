"""Languages in a real browser: a Dutch-speaking admin switches the portal to English and reads
the eSecure message and the catalog descriptions in English; in French, in French."""

from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.models import AccountApplication, Application
from approvals.jobs import requests_expire
from approvals.models import AccessRequest, CustomerAdmin, ProtectedAccount
from approvals.services.checks import sender_check
from tests.factories import (
    PASSWORD,
    AdminMembershipFactory,
    CompanyFactory,
    CustomerAccountFactory,
    MembershipFactory,
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
    hanne = AdminMembershipFactory(
        company=company,
        user__username="hanne.peeters",
        user__first_name="Hanne",
        user__last_name="Peeters",
        user__language="nl",
    ).user
    CustomerAdmin.objects.create(protected_account=protected, user=hanne)
    colleague = MembershipFactory(company=company, user__username="jo.colleague").user
    sender_check(account_number="950000033", email="jo@client.example", name="Jo")
    return colleague


def _sign_in(page: Page, live_server):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Nom d'utilisateur ou e-mail").fill("hanne.peeters")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()


def test_messages_and_descriptions_follow_the_portal_language(page: Page, live_server, screenshot):
    colleague = _setup()
    _sign_in(page, live_server)
    page.goto(live_server.url + "/messages/")
    expect(
        page.get_by_role("link", name="Demande d'expédition sur le compte 950000033")
    ).to_be_visible()
    screenshot("languages-inbox-fr")
    page.locator("button.lang-btn[value=en]").click()
    page.goto(live_server.url + "/messages/")
    link = page.get_by_role("link", name="Request to ship with account 950000033")
    expect(link).to_be_visible()
    screenshot("languages-inbox-en")
    link.click()
    expect(page.get_by_text("jo@client.example", exact=False)).to_be_visible()
    screenshot("languages-message-en")
    page.goto(live_server.url + f"/users/{colleague.pk}/rights/dhl-shipping/")
    expect(page.locator('p[lang="en"]', has_text="Creating express shipments")).to_be_visible()
    expect(
        page.locator(
            '.help [lang="en"], .help[lang="en"]', has_text="Create shipments on the account"
        )
    ).to_be_visible()
    screenshot("languages-rights-en")
    page.locator("button.lang-btn[value=fr]").click()
    page.goto(live_server.url + f"/users/{colleague.pk}/rights/dhl-shipping/")
    expect(page.locator('p[lang="fr"]', has_text="Création d'envois express")).to_be_visible()
    screenshot("languages-rights-fr")
    # The request expires: the message is closed, and says so.
    AccessRequest.objects.update(expires_at=timezone.now())
    assert requests_expire() == 1
    page.goto(live_server.url + "/messages/")
    expect(page.locator(".badge", has_text="Traité")).to_be_visible()
    screenshot("languages-inbox-settled-fr")
    page.get_by_role("link", name="Demande d'expédition sur le compte 950000033").click()
    expect(page.locator(".alert-info")).to_contain_text("il ne demande plus rien")
    screenshot("languages-message-settled-fr")
