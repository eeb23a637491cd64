"""The rights API under /api/v1: API-key authentication, the holder's rights, the yes/no check,
and the OpenAPI description with its documentation page."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import (
    AccountApplication,
    ApiKey,
    Application,
    Grant,
    MembershipKind,
    MembershipStatus,
    Permission,
    Product,
)
from accounts.selectors.rights import right_check
from accounts.services import api_key_issue, api_key_revoke_all
from tests.factories import (
    BillingAddressFactory,
    CompanyFactory,
    CustomerAccountFactory,
    MembershipFactory,
)

pytestmark = pytest.mark.django_db

RIGHTS_URL = "/api/v1/rights"
CHECK_URL = "/api/v1/rights/check"


def _enable(account, code):
    AccountApplication.objects.get_or_create(
        account=account, application=Application.objects.get(code=code)
    )


def _grant(membership, application, permission, *, accounts, **scopes):
    grant = Grant.objects.create(
        membership=membership,
        grantor_company=membership.company,
        permission=Permission.objects.get(application__code=application, code=permission),
    )
    grant.accounts.set(accounts)
    for name, items in scopes.items():
        getattr(grant, name).set(items)
    return grant


def _auth(key):
    return {"HTTP_AUTHORIZATION": f"Api-Key {key}"}


@pytest.fixture
def account(company):
    account = CustomerAccountFactory(company=company, number="820011", name="Boutique Lyon")
    _enable(account, "colissimo-tracking")
    return account


@pytest.fixture
def second_account(company):
    account = CustomerAccountFactory(company=company, number="820012", name="Boutique Nantes")
    _enable(account, "colissimo-tracking")
    return account


@pytest.fixture
def holder(company, account):
    """An advanced user of `company` holding tracking by tag on account 820011."""
    membership = MembershipFactory(
        company=company,
        kind=MembershipKind.ADVANCED,
        user__username="avance.martin",
        tag="ENTREPOT-NORD",
    )
    _grant(membership, "colissimo-tracking", "tracking-user-tag", accounts=[account])
    return membership


@pytest.fixture
def key(holder):
    _, plaintext = api_key_issue(user=holder.user, actor=holder.user)
    return plaintext


def _check(client, key, headers=None, **params):
    query = {"application": "colissimo-tracking", "permission": "tracking-user-tag"}
    query.update(params)
    return client.get(CHECK_URL, query, **_auth(key), **(headers or {}))


# --- Authentication -------------------------------------------------------------------------


def test_api_without_key_is_401_json(client, holder):
    response = client.get(RIGHTS_URL)
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert response["WWW-Authenticate"] == "Api-Key"
    assert response.json()["field"] == "Authorization"


@pytest.mark.parametrize(
    "header",
    ["Api-Key ses_wrong-key-that-does-not-exist-1234567890", "Api-Key ", "Bearer {key}", "{key}"],
)
def test_api_wrong_key_or_scheme_is_401(client, key, header):
    response = client.get(RIGHTS_URL, HTTP_AUTHORIZATION=header.format(key=key))
    assert response.status_code == 401


def test_api_scheme_is_case_insensitive(client, key):
    assert client.get(RIGHTS_URL, HTTP_AUTHORIZATION=f"api-key {key}").status_code == 200


def test_api_revoked_key_is_401(client, holder, key):
    api_key_revoke_all(user=holder.user, actor=None)
    assert client.get(RIGHTS_URL, **_auth(key)).status_code == 401


def test_api_key_of_deactivated_person_is_401(client, holder, key):
    holder.user.is_active = False
    holder.user.save(update_fields=["is_active"])
    assert client.get(RIGHTS_URL, **_auth(key)).status_code == 401


def test_api_old_key_works_during_grace_period_only(client, holder, key, settings):
    settings.API_KEY_GRACE_HOURS = 24
    _, new_key = api_key_issue(user=holder.user, actor=holder.user)
    assert client.get(RIGHTS_URL, **_auth(key)).status_code == 200
    assert client.get(RIGHTS_URL, **_auth(new_key)).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(hours=23, minutes=50), tick=False):
        assert client.get(RIGHTS_URL, **_auth(key)).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(hours=24, minutes=1), tick=False):
        assert client.get(RIGHTS_URL, **_auth(key)).status_code == 401
        assert client.get(RIGHTS_URL, **_auth(new_key)).status_code == 200


def test_api_records_when_a_key_was_last_used(client, holder, key):
    assert ApiKey.objects.get(user=holder.user).last_used_at is None
    client.get(RIGHTS_URL, **_auth(key))
    used = ApiKey.objects.get(user=holder.user).last_used_at
    assert used is not None and timezone.now() - used < timedelta(minutes=1)


def test_api_ignores_the_session_of_a_signed_in_person(client, holder):
    client.force_login(holder.user)
    assert client.get(RIGHTS_URL).status_code == 401


# --- The holder's rights ---------------------------------------------------------------------


def test_rights_lists_companies_accounts_permissions_and_visibility(client, holder, key, account):
    response = client.get(RIGHTS_URL, **_auth(key))
    assert response.status_code == 200
    data = response.json()
    assert data["user"] == {
        "username": "avance.martin",
        "user_key": holder.user.user_key,
    }
    [company] = data["companies"]
    assert company["name"] == holder.company.name and company["kind"] == "advanced"
    assert company["tag"] == "ENTREPOT-NORD"
    [listed] = company["accounts"]
    assert (listed["number"], listed["name"]) == ("820011", "Boutique Lyon")
    [application] = listed["applications"]
    assert application["code"] == "colissimo-tracking"
    [permission] = application["permissions"]
    assert permission["code"] == "tracking-user-tag"
    assert permission["visibility"] == {"level": "user-tag", "customer_service": False}
    assert permission["description"]  # what the level shows, from the catalog


def test_rights_names_are_in_english_unless_asked(client, holder, key):
    english = client.get(RIGHTS_URL, **_auth(key))
    french = client.get(RIGHTS_URL, HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9", **_auth(key))
    assert english["Content-Language"] == "en" and french["Content-Language"] == "fr"
    app_en = english.json()["companies"][0]["accounts"][0]["applications"][0]
    app_fr = french.json()["companies"][0]["accounts"][0]["applications"][0]
    assert app_en["name"] == "Parcel tracking tool"
    assert app_fr["name"] == "Outil de suivi colis"
    assert app_en["permissions"][0]["name"].startswith("Tracking limited to the user tag")


def test_rights_include_scopes_of_emasspost(client, company, holder, key):
    account = CustomerAccountFactory(company=company, number="999009")
    _enable(account, "emasspost")
    address = BillingAddressFactory(company=company, name="Siège")
    lettre = Product.objects.get(application__code="emasspost", code="lettre")
    _grant(
        holder,
        "emasspost",
        "validate-price",
        accounts=[account],
        billing_addresses=[address],
        products=[lettre],
    )
    data = client.get(RIGHTS_URL, **_auth(key)).json()
    accounts = {a["number"]: a for a in data["companies"][0]["accounts"]}
    [permission] = accounts["999009"]["applications"][0]["permissions"]
    assert permission["code"] == "validate-price" and permission["visibility"] is None
    assert [b["name"] for b in permission["billing_addresses"]] == ["Siège"]
    assert permission["products"] == [{"code": "lettre", "name": "Letter (Admin Mail)"}]


def test_rights_never_show_another_company_or_an_inactive_link(
    client, holder, key, other_company, other_company_admin
):
    # Another company's account and grants, held by someone else.
    foreign = CustomerAccountFactory(company=other_company, number="555001")
    _enable(foreign, "colissimo-tracking")
    other = MembershipFactory(company=other_company, kind=MembershipKind.ADVANCED)
    _grant(other, "colissimo-tracking", "tracking-consolidated", accounts=[foreign])
    # The holder was linked to a third company, now deactivated: its rights no longer count.
    former_company = CompanyFactory(name="Ancienne SARL")
    former_account = CustomerAccountFactory(company=former_company, number="555002")
    _enable(former_account, "colissimo-tracking")
    former = MembershipFactory(
        company=former_company, user=holder.user, status=MembershipStatus.DEACTIVATED
    )
    _grant(former, "colissimo-tracking", "tracking-consolidated", accounts=[former_account])

    body = client.get(RIGHTS_URL, **_auth(key)).content.decode()
    assert holder.company.name in body and "820011" in body
    for absent in (other_company.name, "555001", "Ancienne SARL", "555002"):
        assert absent not in body


def test_rights_leave_out_revoked_grants_and_accounts_without_the_application(
    client, company, holder, key, account
):
    plain = CustomerAccountFactory(company=company, number="820099")  # tracking not enabled
    grant = _grant(holder, "colissimo-tracking", "tracking-user-key", accounts=[plain])
    revoked = _grant(holder, "colissimo-tracking", "tracking-consolidated", accounts=[account])
    revoked.status = "revoked"
    revoked.save(update_fields=["status"])
    body = client.get(RIGHTS_URL, **_auth(key)).content.decode()
    assert "820099" not in body and grant.permission.code not in body
    assert "tracking-consolidated" not in body


def test_rights_listing_agrees_with_the_check(client, company, holder, key, second_account):
    _grant(holder, "colissimo-tracking", "tracking-consolidated-cs", accounts=[second_account])
    data = client.get(RIGHTS_URL, **_auth(key)).json()
    listed = [
        (app["code"], perm["code"], acc["number"])
        for comp in data["companies"]
        for acc in comp["accounts"]
        for app in acc["applications"]
        for perm in app["permissions"]
    ]
    assert len(listed) == 2
    for application, permission, number in listed:
        answer = right_check(
            user=holder.user, application=application, permission=permission, account=number
        )
        assert answer.allowed, (application, permission, number, answer)


def test_rights_queries_do_not_grow_with_grants(
    client, company, holder, key, django_assert_max_num_queries
):
    def count():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(RIGHTS_URL, **_auth(key)).status_code == 200
        return len(queries)

    client.get(RIGHTS_URL, **_auth(key))  # last use recorded: no write in the measures below
    few = count()
    codes = list(
        Permission.objects.filter(application__code="colissimo-tracking")
        .exclude(code="tracking-user-tag")
        .values_list("code", flat=True)
    )
    accounts = [CustomerAccountFactory(company=company) for _ in range(30)]
    for account in accounts:
        _enable(account, "colissimo-tracking")
    for code in codes:
        _grant(holder, "colissimo-tracking", code, accounts=accounts)
    assert count() == few <= 10


# --- The yes/no check ------------------------------------------------------------------------


def test_check_allowed_with_reason(client, key):
    response = _check(client, key, account="820011")
    assert response.status_code == 200
    data = response.json()
    assert data["allowed"] is True and data["code"] == "granted"
    assert "820011" in data["reason"]


def test_check_reason_is_english_by_default_and_follows_accept_language(client, holder, key):
    english = _check(client, key, account="820011").json()["reason"]
    with translation.override("en"):
        expected = right_check(
            user=holder.user,
            application="colissimo-tracking",
            permission="tracking-user-tag",
            account="820011",
        ).reason
    assert english == expected
    french = _check(client, key, {"HTTP_ACCEPT_LANGUAGE": "fr"}, account="820011").json()
    assert french["reason"].startswith("Vous détenez")


def test_check_no_grant(client, key):
    data = _check(client, key, account="820011", permission="tracking-consolidated").json()
    assert data["allowed"] is False and data["code"] == "not_granted" and data["reason"]


def test_check_grant_on_another_account(client, key, second_account):
    data = _check(client, key, account="820012").json()
    assert data["allowed"] is False and data["code"] == "not_on_account"
    assert "820012" in data["reason"]


def test_check_membership_deactivated(client, holder, key):
    holder.status = MembershipStatus.DEACTIVATED
    holder.save(update_fields=["status"])
    data = _check(client, key, account="820011").json()
    assert data["allowed"] is False and data["code"] == "membership_inactive"


def test_check_application_not_enabled_on_account(client, holder, key, account):
    AccountApplication.objects.filter(account=account).delete()
    data = _check(client, key, account="820011").json()
    assert data["allowed"] is False and data["code"] == "application_not_enabled"


def test_check_inactive_account(client, key, account):
    account.is_active = False
    account.save(update_fields=["is_active"])
    data = _check(client, key, account="820011").json()
    assert data["allowed"] is False and data["code"] == "account_inactive"


def test_check_revoked_grant(client, holder, key):
    Grant.objects.filter(membership=holder).update(status="revoked")
    data = _check(client, key, account="820011").json()
    assert data["allowed"] is False and data["code"] == "not_granted"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"account": "000000"}, "account"),
        ({"account": "820011", "application": "nope"}, "application"),
        ({"account": "820011", "permission": "nope"}, "permission"),
        ({"account": "820011", "application": "emasspost"}, "permission"),
    ],
)
def test_check_unknown_item_is_404_naming_the_field(client, key, params, field):
    response = _check(client, key, **params)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["field"] == field and response.json()["detail"]


def test_check_account_of_a_company_never_joined_is_404(client, key, other_company):
    foreign = CustomerAccountFactory(company=other_company, number="555001")
    _enable(foreign, "colissimo-tracking")
    response = _check(client, key, account="555001")
    assert response.status_code == 404 and response.json()["field"] == "account"


def test_check_missing_parameter_is_400_naming_the_field(client, key):
    response = client.get(CHECK_URL, {"application": "colissimo-tracking"}, **_auth(key))
    assert response.status_code == 400
    assert response.json()["field"] in {"permission", "account"}


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"account": "820011"}, 200),  # yes
        ({"account": "820011", "permission": "tracking-consolidated"}, 200),  # no
        ({"account": "820012"}, 200),  # no: held on another account
        ({"account": "000000"}, 404),  # unknown account
        ({"account": "820011", "application": "nope"}, 404),  # unknown application
    ],
)
def test_check_makes_at_most_three_queries_with_authentication(
    client, key, second_account, params, status, django_assert_max_num_queries
):
    # Key lookup, the key's last use (an UPDATE on the first call of each minute), the check.
    with django_assert_max_num_queries(3):
        response = _check(client, key, **params)
    assert response.status_code == status
    with django_assert_max_num_queries(2):
        assert _check(client, key, **params).status_code == status


# --- OpenAPI description and its documentation page ------------------------------------------


def test_openapi_lists_both_operations_and_the_key_header(client):
    response = client.get(reverse("api:openapi-json"))
    assert response.status_code == 200
    schema = response.json()
    assert {"/api/v1/rights", "/api/v1/rights/check"} <= set(schema["paths"])
    check = schema["paths"]["/api/v1/rights/check"]["get"]
    assert {p["name"] for p in check["parameters"]} == {"application", "permission", "account"}
    assert {"200", "404"} <= set(check["responses"])
    scheme = schema["components"]["securitySchemes"]["ApiKeyAuth"]
    assert scheme == {**scheme, "type": "apiKey", "in": "header", "name": "Authorization"}
    assert check["security"] == [{"ApiKeyAuth": []}]


def test_docs_page_serves_swagger_from_our_origin_without_inline_script(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-openapi-url="/api/v1/openapi.json"' in page
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower()
    assert "<script>" not in page and "<script type" not in page  # only <script src=…>
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_rights_descriptions_follow_the_names_language(client, holder, key):
    english = client.get(RIGHTS_URL, **_auth(key)).json()
    french = client.get(RIGHTS_URL, HTTP_ACCEPT_LANGUAGE="fr", **_auth(key)).json()
    [perm_en] = english["companies"][0]["accounts"][0]["applications"][0]["permissions"]
    [perm_fr] = french["companies"][0]["accounts"][0]["applications"][0]["permissions"]
    assert perm_en["description"].startswith("Shows only the parcels carrying the same tag")
    assert perm_fr["description"].startswith("Ne montre que les colis portant le même tag")


def test_api_answers_carry_their_length_and_skip_the_portal_middleware(client, holder, key):
    """The API goes through a shorter middleware chain (settings.API_SKIPPED_MIDDLEWARE): no
    session cookie, no language negotiation of the portal; its answers still say their length
    (clients keep the connection open) and the security headers."""
    response = _check(client, key, account="820011")
    assert response.status_code == 200
    assert response["Content-Length"] == str(len(response.content))
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "Cookie" not in response.get("Vary", "") and not response.cookies
