"""The own-account page: details, companies with kind and status, rights per company and account,
user key, API key and MFA."""

import html

import pytest
from allauth.mfa.models import Authenticator
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import (
    AccountApplication,
    Application,
    Company,
    Grant,
    MembershipKind,
    Permission,
    Product,
)
from accounts.services import api_key_issue
from tests.factories import CompanyFactory, CustomerAccountFactory, MembershipFactory

pytestmark = pytest.mark.django_db

PAGE = "accounts:profile"


def _account(company, number, *codes):
    account = CustomerAccountFactory(company=company, number=number)
    for code in codes:
        AccountApplication.objects.create(
            account=account, application=Application.objects.get(code=code)
        )
    return account


def _grant(membership, application, permission, accounts):
    grant = Grant.objects.create(
        membership=membership,
        grantor_company=membership.company,
        permission=Permission.objects.get(application__code=application, code=permission),
    )
    grant.accounts.set(accounts)
    return grant


def _page(client) -> str:
    response = client.get(reverse(PAGE))
    assert response.status_code == 200
    return html.unescape(response.content.decode())


@pytest.fixture
def advanced(company):
    """avance.martin: advanced user of two companies, with tracking rights on three accounts."""
    membership = MembershipFactory(
        company=company, kind=MembershipKind.ADVANCED, user__username="avance.martin"
    )
    lyon = _account(company, "820011", "colissimo-tracking", "colissimo-web-services")
    nantes = _account(company, "820012", "colissimo-tracking")
    _grant(membership, "colissimo-tracking", "tracking-user-tag", [lyon, nantes])
    _grant(membership, "colissimo-web-services", "ws-tracking", [lyon])
    roux = CompanyFactory(name="Atelier Roux SAS")
    second = MembershipFactory(company=roux, user=membership.user, kind=MembershipKind.ADVANCED)
    _grant(
        second,
        "colissimo-tracking",
        "tracking-consolidated",
        [_account(roux, "820101", "colissimo-tracking")],
    )
    return membership.user


def test_profile_anonymous_goes_to_sign_in(client):
    response = client.get(reverse(PAGE))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]


def test_profile_shows_rights_per_company_and_account(client, advanced, company):
    client.force_login(advanced)
    page = _page(client)
    assert "Mes droits" in page
    roux = Company.objects.get(name="Atelier Roux SAS")
    ours, theirs = page.index(f'id="rights-{company.pk}"'), page.index(f'id="rights-{roux.pk}"')
    assert theirs < ours  # companies by name
    section_ours = page[ours:]
    assert "820011" in section_ours and "820012" in section_ours
    assert "Suivi limité au tag utilisateur" in section_ours and "WS Suivi" in section_ours
    assert "820101" not in section_ours
    assert "820101" in page[theirs:ours] and "Suivi consolidé" in page[theirs:ours]
    assert advanced.user_key in page


def test_profile_never_shows_another_company_rights(client, advanced, other_company):
    someone = MembershipFactory(company=other_company, kind=MembershipKind.ADVANCED)
    _grant(
        someone,
        "colissimo-tracking",
        "tracking-user-key",
        [_account(other_company, "555001", "colissimo-tracking")],
    )
    client.force_login(advanced)
    page = _page(client)
    assert "555001" not in page and other_company.name not in page


def test_profile_lists_companies_with_kind_and_status(client, user, company):
    pending = CompanyFactory(name="Prestataire en attente SA")
    MembershipFactory(company=pending, user=user, kind=MembershipKind.PROVIDER, status="pending")
    client.force_login(user)
    page = _page(client)
    assert company.name in page and "Collaborateur" in page and "Actif" in page
    assert "Prestataire en attente SA" in page and "En attente d'acceptation" in page
    assert "Aucun droit dans cette société pour l'instant." in page


def test_profile_says_whether_two_factor_is_on(client, user):
    client.force_login(user)
    page = _page(client)
    assert "Désactivée" in page and "Activer la double authentification" in page
    assert reverse("mfa_index") in page
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    page = _page(client)
    assert "Activée (application d'authentification)" in page


def test_profile_api_key_section(client, advanced, user):
    key, plaintext = api_key_issue(user=advanced, actor=advanced)
    client.force_login(advanced)
    page = _page(client)
    assert key.prefix in page and plaintext not in page
    assert "Gérer ma clé d'API" in page and reverse("accounts:api-key") in page
    client.force_login(user)
    page = _page(client)
    assert "Réservée aux utilisateurs avancés et techniques." in page


def test_profile_queries_do_not_grow_with_rights(client, advanced, company):
    client.force_login(advanced)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(PAGE)).status_code == 200
        return len(queries)

    before = count()
    membership = advanced.memberships.get(company=company)
    accounts = [
        _account(company, f"83{i:04d}", "colissimo-tracking", "colissimo-invoices")
        for i in range(40)
    ]
    for code in ("tracking-user-key-cs", "tracking-consolidated"):
        _grant(membership, "colissimo-tracking", code, accounts)
    _grant(membership, "colissimo-invoices", "consult", accounts)
    for i in range(5):
        extra = CompanyFactory(name=f"Société extra {i}")
        m = MembershipFactory(company=extra, user=advanced, kind=MembershipKind.ADVANCED)
        _grant(m, "colissimo-tracking", "tracking-user-tag", [_account(extra, f"84{i:04d}")])
    after = count()
    assert after == before, (before, after)
    assert "830039" in _page(client)


def test_profile_states_shared_limits_once_per_application_with_details_on_demand(
    client, user, company
):
    """Fourteen rights on the same products, on two accounts: the products are named once,
    the two accounts share one line, and the list of rights opens on demand."""
    membership = user.memberships.get(company=company)
    accounts = [_account(company, n, "emasspost") for n in ("999009", "999010")]
    products = list(Product.objects.filter(application__code="emasspost"))
    permissions = list(Permission.objects.filter(application__code="emasspost"))
    assert len(permissions) >= 10 and len(products) >= 20
    for permission in permissions:
        grant = _grant(membership, "emasspost", permission.code, accounts)
        grant.products.set(products)
    client.force_login(user)
    page = _page(client)
    section = page[page.index(f'id="rights-{company.pk}"') :]
    assert section.count(products[-1].label) == 1
    assert section.count("999010") == 1
    assert "<details" in section
    assert f"{len(permissions)} droits" in section
    assert all(p.label in section for p in permissions)
