"""Runs only where CI provides Redis and PostgreSQL: a real worker makes a new request's links,
e-mails and inbox messages after the sender check answered."""

import json
import time

import pytest

from approvals.models import AccessRequest, DecisionLink
from notifications.models import EmailStatus, Message, OutboundEmail
from tests.approvals.test_api import carrier_key  # noqa: F401  (fixture)

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _wait_for(predicate, seconds=30.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_real_worker_notifies_a_new_request_once(
    celery_worker_process,
    client,
    protected,
    carrier_key,  # noqa: F811
):
    def check():
        return client.post(
            "/api/v1/sender-checks",
            data=json.dumps({"account_number": "950000033", "email": "jo@client.example"}),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Api-Key {carrier_key}",
        ).json()

    first = check()
    assert first["decision"] == "pending" and first["request_id"]
    assert _wait_for(lambda: OutboundEmail.objects.filter(status=EmailStatus.SENT).count() == 3), (
        list(OutboundEmail.objects.values_list("recipient", "status", "last_error"))
    )
    assert check()["request_id"] == first["request_id"]
    time.sleep(1)
    assert OutboundEmail.objects.count() == 3
    assert DecisionLink.objects.count() == 4 and Message.objects.count() == 2
    assert AccessRequest.objects.get().notified_at is not None
    written = "".join(p.read_text() for p in celery_worker_process.iterdir())
    assert "jo@client.example" in written and "/esecure/decision/" in written
