"""The machine API never answers 500: every input is answered with a documented code and the
documented JSON error `{"detail", "field"}` (issue 12, point 4). Each test here is a 500, an
undocumented answer or a missing header found by schemathesis or by hand; they run on SQLite
and on PostgreSQL (which refuses NUL in text)."""

import json

import pytest

from accounts.models import AccountApplication, Application, Grant, MembershipKind, Permission
from accounts.services import api_key_issue
from approvals.models import AccessRequest, AuthorizedSender, CustomerAdmin, ProtectedAccount
from notifications.models import Message, OutboundEmail
from tests.factories import AdminMembershipFactory, CustomerAccountFactory, MembershipFactory

pytestmark = pytest.mark.django_db

RIGHTS_URL = "/api/v1/rights"
CHECK_URL = "/api/v1/rights/check"
SENDER_URL = "/api/v1/sender-checks"
GOOD_CHECK = {"application": "colissimo-tracking", "permission": "tracking-user-tag"}
CONTROL_CHARACTERS = ["\x00", "\x01", "\t", "\n", "\x1f", "\x7f", "\x85"]


def _grant(membership, application, permission, account):
    _enabled, _ = AccountApplication.objects.get_or_create(
        account=account, application=Application.objects.get(code=application)
    )
    grant = Grant.objects.create(
        membership=membership,
        grantor_company=membership.company,
        permission=Permission.objects.get(application__code=application, code=permission),
    )
    grant.accounts.add(account)


@pytest.fixture
def key(company):
    """A technical user holding tracking on 820011 and the sender check, with its key."""
    account = CustomerAccountFactory(company=company, number="820011")
    membership = MembershipFactory(company=company, kind=MembershipKind.TECHNICAL)
    _grant(membership, "colissimo-tracking", "tracking-user-tag", account)
    _grant(membership, "dhl-shipping", "sender-check", account)
    _key, plaintext = api_key_issue(user=membership.user, actor=membership.user)
    return plaintext


@pytest.fixture
def protected(company):
    """Account 950000033 under eSecure protection, with one customer administrator."""
    account = CustomerAccountFactory(company=company, number="950000033")
    AccountApplication.objects.create(
        account=account, application=Application.objects.get(code="dhl-shipping")
    )
    protected = ProtectedAccount.objects.create(account=account, is_active=True)
    admin = AdminMembershipFactory(company=company, user__username="anne").user
    CustomerAdmin.objects.create(protected_account=protected, user=admin)
    return protected


def _auth(key):
    return {"HTTP_AUTHORIZATION": f"Api-Key {key}"}


def _check(client, key, **params):
    return client.get(CHECK_URL, {**GOOD_CHECK, "account": "820011", **params}, **_auth(key))


def _send(client, key, body, content_type="application/json", **extra):
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post(SENDER_URL, data=data, content_type=content_type, **_auth(key), **extra)


def _assert_json_error(response, status, field=None):
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == "application/json; charset=utf-8"
    body = response.json()
    assert isinstance(body["detail"], str) and body["detail"]
    if field is not None:
        assert body["field"] == field
    return body


# --- Control characters ----------------------------------------------------------------------


@pytest.mark.parametrize("field", ["application", "permission", "account"])
def test_rights_check_refuses_control_characters_naming_the_field(client, key, field):
    for character in CONTROL_CHARACTERS:
        response = _check(client, key, **{field: f"820{character}011"})
        _assert_json_error(response, 400, field)


def test_sender_check_refuses_control_characters_in_the_account_number(client, key, protected):
    for character in CONTROL_CHARACTERS:
        body = {"account_number": f"9500{character}00033", "email": "a@b.be"}
        _assert_json_error(_send(client, key, body), 400, "account_number")
    assert AccessRequest.objects.count() == 0


def test_sender_check_refuses_control_characters_in_the_email(client, key, protected):
    for character in CONTROL_CHARACTERS:
        body = {"account_number": "950000033", "email": f"a{character}@b.be"}
        _assert_json_error(_send(client, key, body), 400, "email")
    assert AccessRequest.objects.count() == 0


def test_sender_check_strips_control_characters_from_the_name(client, key, protected):
    response = _send(
        client,
        key,
        {"account_number": "950000033", "email": "new@example.com", "name": "Jean\x00\tDu\npont"},
    )
    assert response.status_code == 200 and response.json()["decision"] == "pending"
    assert AccessRequest.objects.get().name == "Jean Du pont"
    assert AuthorizedSender.objects.get().name == "Jean Du pont"


def test_nul_in_the_api_key_is_401(client, key):
    response = client.get(RIGHTS_URL, HTTP_AUTHORIZATION=f"Api-Key {key[:14]}\x00{key[15:]}")
    _assert_json_error(response, 401, "Authorization")


# --- Lengths ---------------------------------------------------------------------------------


def _email_of(length: int) -> str:
    """A valid address of exactly `length` characters (local part and labels within bounds)."""
    for labels in range(1, 6):
        domain = ("d" * 60 + ".") * labels + "com"
        local = length - 1 - len(domain)
        if 1 <= local <= 64:
            return "x" * local + "@" + domain
    raise ValueError(length)


@pytest.mark.parametrize("length", [205, 230, 254])
def test_a_long_valid_email_opens_a_request_with_bounded_subjects(
    client, key, protected, length, django_capture_on_commit_callbacks
):
    email = _email_of(length)
    assert len(email) == length
    with django_capture_on_commit_callbacks(execute=True):
        response = _send(client, key, {"account_number": "950000033", "email": email})
    assert response.status_code == 200 and response.json()["decision"] == "pending"
    assert AccessRequest.objects.get().email == email
    subjects = [e.subject for e in OutboundEmail.objects.all()]
    assert subjects and all(0 < len(s) <= 255 for s in subjects)
    assert all(len(m.subject) <= 255 for m in Message.objects.all())


def test_an_email_longer_than_254_characters_is_400(client, key, protected):
    response = _send(client, key, {"account_number": "950000033", "email": _email_of(255)})
    _assert_json_error(response, 400, "email")
    assert AccessRequest.objects.count() == 0


@pytest.mark.parametrize(
    ("field", "value"),
    [("application", "a" * 51), ("permission", "p" * 51), ("account", "9" * 33)],
)
def test_rights_check_bounds_lengths(client, key, field, value):
    _assert_json_error(_check(client, key, **{field: value}), 400, field)


@pytest.mark.parametrize("field", ["application", "permission", "account"])
def test_rights_check_empty_value_is_400_as_documented(client, key, field):
    _assert_json_error(_check(client, key, **{field: ""}), 400, field)
    spec = client.get("/api/v1/openapi.json").json()
    [parameter] = [p for p in spec["paths"][CHECK_URL]["get"]["parameters"] if p["name"] == field]
    assert parameter["schema"]["minLength"] == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"account_number": "", "email": "a@example.com"}, "account_number"),
        ({"account_number": "9" * 33, "email": "a@example.com"}, "account_number"),
        ({"account_number": "950000033", "email": ""}, "email"),
        ({"account_number": "950000033", "email": "a@example.com", "name": "n" * 201}, "name"),
    ],
)
def test_sender_check_bounds_lengths(client, key, protected, body, field):
    _assert_json_error(_send(client, key, body), 400, field)


def test_sender_check_blank_account_number_is_an_unknown_account(client, key, protected):
    response = _send(client, key, {"account_number": "   ", "email": "a@example.com"})
    _assert_json_error(response, 404, "account_number")


def test_the_schema_bounds_every_text_input(client):
    spec = client.get("/api/v1/openapi.json").json()
    check = {p["name"]: p["schema"] for p in spec["paths"][CHECK_URL]["get"]["parameters"]}
    lengths = {name: check[name]["maxLength"] for name in ("application", "permission", "account")}
    assert lengths == {"application": 50, "permission": 50, "account": 32}
    body = spec["paths"][SENDER_URL]["post"]["requestBody"]["content"]["application/json"]
    ref = body["schema"]["$ref"].rsplit("/", 1)[1]
    properties = spec["components"]["schemas"][ref]["properties"]
    assert properties["email"]["format"] == "email" and properties["email"]["maxLength"] == 254
    assert properties["account_number"]["maxLength"] == 32
    assert properties["name"]["maxLength"] == 200


# --- Bodies, methods, content types ------------------------------------------------------------


def test_a_body_over_the_upload_limit_is_413_in_json(client, key, protected, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = {"account_number": "950000033", "email": "a@example.com", "name": "n" * 2000}
    _assert_json_error(_send(client, key, body), 413)


def test_a_text_plain_body_is_415_in_json(client, key, protected):
    body = json.dumps({"account_number": "950000033", "email": "a@example.com"})
    _assert_json_error(_send(client, key, body, content_type="text/plain"), 415)
    assert AccessRequest.objects.count() == 0


def test_json_with_a_charset_is_accepted(client, key, protected):
    body = json.dumps({"account_number": "950000033", "email": "a@example.com"})
    response = _send(client, key, body, content_type="application/json; charset=utf-8")
    assert response.status_code == 200


def test_malformed_json_is_400_in_json(client, key, protected):
    _assert_json_error(_send(client, key, '{"account_number": '), 400)


@pytest.mark.parametrize(
    ("method", "url"),
    [("delete", RIGHTS_URL), ("post", CHECK_URL), ("get", SENDER_URL), ("put", SENDER_URL)],
)
def test_an_unsupported_method_is_405_in_json(client, key, method, url):
    response = getattr(client, method)(url, **_auth(key))
    _assert_json_error(response, 405)
    assert response["Allow"]


def test_an_unknown_api_path_is_404_in_json(client, key):
    _assert_json_error(client.get("/api/v1/nothing-here", **_auth(key)), 404)


def test_401_405_413_and_415_are_documented(client):
    spec = client.get("/api/v1/openapi.json").json()
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            assert {"400", "401", "405"} <= codes, (path, method, codes)
            if method == "post":
                assert {"413", "415"} <= codes, (path, method, codes)
            for code, answer in operation["responses"].items():
                if code.startswith(("4", "5")):
                    schema = answer["content"]["application/json"]["schema"]
                    assert schema["$ref"].endswith("/ErrorOut"), (path, method, code)


# --- Caching -----------------------------------------------------------------------------------


def test_api_answers_are_never_stored_by_caches(client, key):
    assert client.get(RIGHTS_URL, **_auth(key))["Cache-Control"] == "no-store"
    assert client.get(RIGHTS_URL)["Cache-Control"] == "no-store"  # 401
    assert client.delete(RIGHTS_URL, **_auth(key))["Cache-Control"] == "no-store"  # 405


def test_signed_in_pages_are_never_stored_by_caches(client, admin):
    client.force_login(admin)
    response = client.get("/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_public_pages_keep_their_caching(client):
    response = client.get("/health/")
    assert response.status_code == 200
    assert "Cache-Control" not in response


def test_static_files_keep_their_caching_when_signed_in(client, admin):
    client.force_login(admin)
    response = client.get("/static/css/sesame.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
