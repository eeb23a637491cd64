import threading

import pytest
from django.db import connection

from approvals.models import AccessRequest, DecisionLink
from approvals.services.checks import sender_check
from notifications.models import OutboundEmail

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="needs PostgreSQL's row locks")
def test_two_simultaneous_first_checks_create_one_request_and_one_set_of_emails(protected):
    barrier = threading.Barrier(4)
    results, errors = [], []

    def check():
        try:
            barrier.wait(timeout=10)
            results.append(sender_check(account_number="950000033", email="jo@client.example"))
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=check) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert {r.decision for r in results} == {"pending"}
    assert len({r.request_id for r in results}) == 1
    assert AccessRequest.objects.count() == 1
    assert DecisionLink.objects.count() == 4  # two admins × approve/reject, once
    assert OutboundEmail.objects.count() == 3  # two admins and the requester, once
