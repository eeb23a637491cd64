"""Accessibility: the axe-core watch of every browser test (tests/e2e/axe.py) catches what it
should, and every page of the portal passes it in French and in English."""

import re

import pytest
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.management import call_command
from django.urls import URLResolver, get_resolver, resolve, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from playwright.sync_api import Page, expect

from accounts.models import Company, Membership, User
from approvals.models import ProtectedAccount
from delegation.models import ProviderAccess, ProviderAccessStatus
from notifications.models import OutboundEmail
from notifications.services import message_create
from portal.management.commands.seed_demo import DEFAULT_PASSWORD


def test_the_watch_reports_a_violation_with_page_rule_and_element(
    page: Page, live_server, axe_watch
):
    bad = (
        '<!DOCTYPE html><html lang="fr"><head><title>Essai</title></head><body><main>'
        '<img src="/static/img/logo.svg"><button aria-label="Copy all my e-Masspost permissions">'
        "Copy all my permissions</button><p>ok</p></main></body></html>"
    )
    page.route(
        live_server.url + "/axe-self-test/",
        lambda route: route.fulfill(body=bad, content_type="text/html"),
    )
    page.goto(live_server.url + "/axe-self-test/")

    axe_watch.check()
    found = {(v.path, v.rule) for v in axe_watch.violations.values()}
    report = axe_watch.report()
    page.goto("about:blank")
    axe_watch.forget()  # this page is meant to fail

    assert found == {
        ("/axe-self-test/", "image-alt"),
        ("/axe-self-test/", "label-content-name-mismatch"),
    }
    assert "/axe-self-test/  [image-alt, critical]" in report
    assert "at img:" in report


# Every page of the portal, per persona of the demo data (seed_demo). The axe watch checks each
# one the tour opens; the coverage test below fails when a page is neither here nor in NOT_PAGES.
def _tour() -> dict[str | None, list[str]]:
    lambert = Company.objects.get(name="Imprimerie Lambert SA")
    person = User.objects.get(username="user.lambert")
    router = Company.objects.get(name="Routage Express SPRL")
    advanced = Membership.objects.get(
        user__username="avance.martin", company__name="Maison Verdier SARL"
    )
    provided = ProviderAccess.objects.filter(
        company__name="Helvetia Uhren AG", status=ProviderAccessStatus.ACTIVE
    ).first()
    protected = ProtectedAccount.objects.get(account__number="950000033")
    message = message_create(
        user=User.objects.get(username="admin.lambert"),
        kind="esecure.request",
        params={"email": "jo@client.example", "account": "950000033"},
    )
    email = OutboundEmail.objects.create(
        recipient="pieter.claes@lambert.example",
        kind="accessibility-tour",
        subject="Bienvenue",
        body_text="Bonjour,\n" + "Une ligne plus longue que la largeur de la page. " * 40,
        body_html="<p>Bonjour,</p>",
    )
    assert lambert and provided and message and email, "the demo data changed: update the tour"
    uid = urlsafe_base64_encode(force_bytes(person.pk))
    token = default_token_generator.make_token(person)
    return {
        None: [
            reverse("account_login"),
            reverse("accounts:password-forgot"),
            reverse("accounts:password-forgot-sent"),
            reverse("accounts:password-reset-confirm", args=[uid, token]),
            reverse("accounts:password-reset-done"),
            reverse("account_inactive"),
            reverse("accounts:invitation-accept", args=["not-a-key"]),
            reverse("delegation:provider-link", args=["not-a-key"]),
            reverse("approvals:decision-link", args=["not-a-key"]),
            reverse("approvals:admin-invitation-link", args=["not-a-key"]),
            reverse("accounts:email-change-confirm", args=["not-a-key"]),
            "/api/v1/docs",
            "/no-such-page/",
        ],
        "admin.lambert": [
            reverse("portal:home"),
            reverse("accounts:profile"),
            reverse("accounts:password-change"),
            reverse("accounts:profile-edit"),
            reverse("accounts:email-change"),
            reverse("accounts:audit-list"),
            reverse("accounts:user-list"),
            reverse("accounts:user-create"),
            reverse("accounts:user-create-technical"),
            reverse("accounts:user-edit", args=[person.pk]),
            reverse("accounts:user-rights", args=[person.pk]),
            reverse("accounts:user-rights-copy-choose", args=[person.pk]),
            reverse("accounts:user-rights-edit", args=[person.pk, "emasspost"]),
            reverse("accounts:user-rights-copy", args=[person.pk, "emasspost"]),
            reverse("delegation:router-list"),
            reverse("delegation:router-rights", args=[router.pk]),
            reverse("delegation:router-rights-edit", args=[router.pk, "emasspost"]),
            reverse("imports:home"),
            reverse("imports:kind", args=["standard_users"]),
            reverse("notifications:inbox"),
            reverse("notifications:message-detail", args=[message.pk]),
            reverse("mfa_index"),
            reverse("mfa_activate_totp"),
            reverse("account_logout"),
        ],
        "admin.verdier": [
            reverse("accounts:advanced-list"),
            reverse("accounts:advanced-create"),
            reverse("accounts:advanced-associate"),
            reverse("accounts:advanced-rights", args=[advanced.user_id]),
            reverse("accounts:advanced-details", args=[advanced.user_id]),
            reverse("imports:kind", args=["advanced_users"]),
        ],
        "admin.nordic": [
            reverse("approvals:sender-list"),
            reverse("approvals:sender-add"),
            reverse("approvals:domain-list"),
            reverse("approvals:domain-add"),
            reverse("approvals:admin-list"),
            reverse("approvals:admin-add"),
            reverse("approvals:account-list"),
            reverse("approvals:account-edit", args=[protected.pk]),
            reverse("approvals:admin-invitation-mine"),
            reverse("imports:kind", args=["esecure_senders"]),
        ],
        "admin.helvetia": [
            reverse("delegation:provider-list"),
            reverse("delegation:provider-add"),
            reverse("delegation:provider-rights", args=[provided.pk]),
        ],
        "user.logiserv": [
            reverse("delegation:provider-list-mine"),
        ],
        "admin.logiserv": [reverse("delegation:company-select")],
        "admin.routage": [reverse("delegation:received-list")],
        "avance.martin": [reverse("accounts:api-key")],
        "root": [
            reverse("notifications:outbox"),
            reverse("notifications:outbox-detail", args=[email.pk]),
        ],
    }


# Named routes of our apps that are not pages of their own, and why.
NOT_PAGES = {
    "portal:health": "a plain-text probe",
    "accounts:advanced-export": "a CSV download",
    "imports:template": "a CSV download",
    "imports:job-result": "a CSV download",
    "imports:job-failed": "a CSV download",
    "imports:job-progress": "an htmx fragment of the job page",
    "imports:job": "needs an uploaded file: checked in French by test_imports",
    "notifications:outbox-html": "the e-mail's own HTML, shown in a sandboxed frame",
    "delegation:company-switch": "POST only",
    "delegation:router-withdraw": "POST only",
    "delegation:received-decide": "POST only",
    "delegation:received-hand-on": "POST only",
    "delegation:provider-withdraw": "POST only",
    "delegation:provider-end": "POST only",
    "delegation:provider-request-decline": "POST only",
    "delegation:provider-answer": "POST only",
    "delegation:provider-give-up": "POST only",
    "delegation:provider-ask": "POST only (the form is on « Mes accès prestataire »)",
    "accounts:user-deactivate": "POST only",
    "accounts:user-reactivate": "POST only",
    "accounts:user-key-regenerate": "POST only",
    "accounts:advanced-unlink": "POST only",
    "accounts:advanced-invitation-resend": "POST only",
    "accounts:advanced-invitation-withdraw": "POST only",
    "accounts:api-key-regenerate": "POST only",
    "approvals:sender-decide": "POST only",
    "approvals:sender-upload": "POST only",
    "approvals:domain-status": "POST only",
    "approvals:admin-status": "POST only",
    "approvals:admin-invitation-resend": "POST only",
    "approvals:admin-invitation-withdraw": "POST only",
    "approvals:admin-invitation-answer": "POST only",
    "approvals:account-status": "POST only",
    "imports:job-confirm": "POST only",
}
OUR_NAMESPACES = ("portal", "accounts", "delegation", "approvals", "imports", "notifications")


def _our_routes() -> set[str]:
    names = set()

    def walk(resolver, namespace):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern, pattern.namespace or namespace)
            elif namespace in OUR_NAMESPACES and pattern.name:
                names.add(f"{namespace}:{pattern.name}")

    walk(get_resolver(), None)
    return names


def _sign_in(page: Page, url: str, login: str) -> None:
    page.goto(url + reverse("account_login"))
    page.locator("input[name=login]").fill(login)
    page.locator("input[name=password]").fill(DEFAULT_PASSWORD)
    with page.expect_navigation():
        page.locator("input[name=password]").press("Enter")


@pytest.mark.parametrize("language", ["en", "fr"])
def test_every_page_passes_axe(page: Page, live_server, language, screenshot):
    call_command("seed_demo")
    tour = _tour()
    person = User.objects.get(username="user.lambert")
    shots = {
        reverse("accounts:user-rights", args=[person.pk]): "rights-overview",
        reverse("notifications:inbox"): "inbox",
        "/no-such-page/": "not-found",
        reverse(
            "notifications:outbox-detail",
            args=[OutboundEmail.objects.get(kind="accessibility-tour").pk],
        ): "outbox-email",
    }
    seen: set[str] = set()
    for persona, paths in tour.items():
        page.context.clear_cookies()
        page.context.add_cookies(
            [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
        )
        if persona:
            _sign_in(page, live_server.url, persona)
        for path in paths:
            response = page.goto(live_server.url + path)
            # Unknown links answer 404 with the page that says the link is closed.
            expected = 404 if "not-a-key" in path or path == "/no-such-page/" else 200
            assert response and response.status == expected, (persona, path, response.status)
            expect(page.locator("html")).to_have_attribute("lang", language)
            if path in shots:
                screenshot(f"tour-{shots[path]}-{language}")
            match = resolve(path.split("?")[0]) if path != "/no-such-page/" else None
            if match and match.view_name:
                seen.add(match.view_name)
    forgotten = _our_routes() - seen - set(NOT_PAGES)
    assert not forgotten, f"pages the accessibility tour does not open: {sorted(forgotten)}"


def test_focus_lands_on_the_error_summary_of_a_failed_form(page: Page, live_server, screenshot):
    call_command("seed_demo")
    _sign_in(page, live_server.url, "admin.lambert")
    page.goto(live_server.url + reverse("accounts:user-create"))
    page.locator("main form").evaluate("form => { form.noValidate = true; }")
    page.get_by_role("button", name="Créer l'utilisateur").click()

    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    screenshot("error-summary-focused")
    expect(summary.get_by_role("heading")).to_have_text(
        "Le formulaire n'a pas été enregistré : corrigez ce qui suit."
    )
    # Each field in error is a link to its field.
    link = summary.get_by_role("link", name=re.compile("^Nom d'utilisateur : "))
    link.click()
    expect(page.locator("#id_username")).to_be_focused()
