import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import AccountApplication, Application, Grant, MembershipKind, Permission
from accounts.services import api_key_issue
from approvals.models import AccessRequest, AuthorizedSender, Origin, SenderStatus
from tests.factories import CompanyFactory, CustomerAccountFactory, MembershipFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/sender-checks"


@pytest.fixture
def carrier_key(db):
    """A technical user of the carrier's shipping application holding the sender-check right."""
    carrier = CompanyFactory(name="Transporteur")
    account = CustomerAccountFactory(company=carrier, number="CARRIER-1")
    app = Application.objects.get(code="dhl-shipping")
    AccountApplication.objects.create(account=account, application=app)
    membership = MembershipFactory(
        company=carrier, kind=MembershipKind.TECHNICAL, user__username="shipping.app"
    )
    grant = Grant.objects.create(
        membership=membership,
        grantor_company=carrier,
        permission=Permission.objects.get(application=app, code="sender-check"),
    )
    grant.accounts.add(account)
    _key, plaintext = api_key_issue(user=membership.user, actor=membership.user)
    return plaintext


def _post(client, key, body, raw=None):
    return client.post(
        URL,
        data=raw if raw is not None else json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Api-Key {key}" if key else "",
    )


def test_new_sender_is_pending_and_a_request_is_opened(
    client, protected, carrier_key, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(
            client,
            carrier_key,
            {"account_number": "950000033", "email": "New.Person@Example.com", "name": "New"},
        )
    assert response.status_code == 200
    body = response.json()
    assert body["decision"] == "pending" and body["request_id"] == AccessRequest.objects.get().pk
    assert AccessRequest.objects.get().email == "new.person@example.com"
    assert len(mailoutbox) == 3


def test_approved_sender_is_allowed_in_two_queries(client, protected, carrier_key):
    AuthorizedSender.objects.create(
        protected_account=protected,
        email="ok@example.com",
        status=SenderStatus.APPROVED,
        origin=Origin.MANUAL,
    )
    _post(
        client, carrier_key, {"account_number": "950000033", "email": "ok@example.com"}
    )  # warms usage/last-used
    with CaptureQueriesContext(connection) as queries:
        response = _post(
            client, carrier_key, {"account_number": "950000033", "email": "OK@example.com"}
        )
    assert response.json()["decision"] == "allowed"
    assert len(queries) <= 2, [q["sql"] for q in queries]


def test_rejected_sender_is_denied(client, protected, carrier_key):
    AuthorizedSender.objects.create(
        protected_account=protected,
        email="no@example.com",
        status=SenderStatus.REJECTED,
        origin=Origin.MANUAL,
    )
    assert (
        _post(
            client, carrier_key, {"account_number": "950000033", "email": "no@example.com"}
        ).json()["decision"]
        == "denied"
    )


def test_unknown_account_is_404_naming_the_field(client, protected, carrier_key):
    response = _post(client, carrier_key, {"account_number": "123", "email": "a@example.com"})
    assert response.status_code == 404
    assert response.json()["field"] == "account_number"


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ('{"account_number": "950000033", "email": "not-an-email"}', "email"),
        ('{"account_number": "950000033"}', "email"),
        ('{"email": "a@example.com"}', "account_number"),
    ],
)
def test_bad_input_is_400_naming_the_field(client, protected, carrier_key, raw, field):
    response = _post(client, carrier_key, None, raw=raw)
    assert response.status_code == 400
    assert response.json()["field"] == field
    assert AccessRequest.objects.count() == 0


def test_malformed_json_is_400(client, protected, carrier_key):
    response = _post(client, carrier_key, None, raw='{"account_number": ')
    assert response.status_code == 400


def test_key_is_required(client, protected):
    assert (
        _post(client, None, {"account_number": "950000033", "email": "a@example.com"}).status_code
        == 401
    )
    assert (
        _post(
            client,
            "ses_not-a-real-key-at-all",
            {"account_number": "950000033", "email": "a@example.com"},
        ).status_code
        == 401
    )


def test_key_without_the_sender_check_right_is_403(client, protected, user):
    _key, plaintext = api_key_issue(user=user, actor=user)
    response = _post(client, plaintext, {"account_number": "950000033", "email": "a@example.com"})
    assert response.status_code == 403
    assert AccessRequest.objects.count() == 0


def test_operation_is_in_the_openapi_description(client):
    spec = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/sender-checks" in spec["paths"]
