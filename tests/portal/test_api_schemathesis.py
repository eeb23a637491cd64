"""Schemathesis against the machine API (issue 12, point 5): cases generated from our own OpenAPI
description, valid and invalid, sent in-process to the WSGI application with a real key on the
demo data; every answer must be documented (status, media type, body schema, headers) and no
answer may be a 500. Every built-in check is on.

Deterministic (fixed seed, derandomized) and bounded (`MAX_EXAMPLES` cases per operation and
phase), so that a failure found in CI is found again on a laptop. Selected with
`-m schemathesis`, left out with `-m "not schemathesis"`.
"""

from io import StringIO

import pytest
import schemathesis
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from accounts.models import CustomerAccount, Permission
from portal.api import api
from portal.management.commands.seed_demo import CARRIER_ACCOUNT, PROTECTED_ACCOUNT
from portal.wsgi import application

pytestmark = [pytest.mark.schemathesis, pytest.mark.django_db]

API_KEY = "ses_schemathesis-0123456789abcdef"  # given by seed_demo to its technical user
MAX_EXAMPLES = 100
SEED = 20260512
CODE_LIMITS = {"application": 50, "permission": 50, "account": 32}

CONFIG = schemathesis.Config.from_dict(
    {
        "seed": SEED,
        "headers": {"Authorization": f"Api-Key {API_KEY}"},
        "generation": {
            "mode": "all",  # valid and invalid cases
            "max-examples": MAX_EXAMPLES,
            "deterministic": True,
            "database": "none",
        },
        "checks": {
            "enabled": True,
            # An invalid request is refused as such, never looked up: not 404 (the default
            # admits it, which would let a control character reach the database unnoticed).
            "negative_data_rejection": {"expected-statuses": [400, 401, 405, 413, 415]},
        },
    }
)
# The description as /api/v1/openapi.json serves it; the cases go to the WSGI application.
schema = schemathesis.openapi.from_dict(api.get_openapi_schema(), config=CONFIG)
schema.app = application


def _valid_code(value, limit: int) -> bool:
    return isinstance(value, str) and 1 <= len(value) <= limit and value.isprintable()


def _demo_codes():
    """Strategies of real codes: the catalog's (application, permission) pairs and the demo's
    account numbers, the carrier's and the protected one more often than the others."""
    catalog = list(Permission.objects.values_list("application__code", "code"))
    accounts = list(CustomerAccount.objects.values_list("number", flat=True))
    favourites = [CARRIER_ACCOUNT, PROTECTED_ACCOUNT]
    return (
        st.sampled_from(catalog),
        st.one_of(st.sampled_from(favourites), st.sampled_from(accounts)),
    )


# Without real codes nearly every generated check would stop at an unknown application or
# account (404). A valid value may be swapped for a real one (the case stays valid); an invalid
# case is left as it is (it stays invalid).


@schema.hook
def flatmap_query(context, query):
    if not isinstance(query, dict) or not all(
        _valid_code(query.get(name), limit) for name, limit in CODE_LIMITS.items()
    ):
        return st.just(query)
    pairs, accounts = _demo_codes()
    real = st.tuples(pairs, accounts).map(
        lambda codes: {
            **query,
            "application": codes[0][0],
            "permission": codes[0][1],
            "account": codes[1],
        }
    )
    return st.one_of(real, st.just(query))


@schema.hook
def flatmap_body(context, body):
    if not isinstance(body, dict) or not _valid_code(body.get("account_number"), 32):
        return st.just(body)
    _pairs, accounts = _demo_codes()
    return st.one_of(accounts.map(lambda number: {**body, "account_number": number}), st.just(body))


@pytest.fixture
def demo(db):
    """The demo data, its technical user holding `API_KEY` and the sender-check right.

    The cases go through Django's WSGI handler, whose request signals would close the test's
    database connection (it is inside the test transaction); Django's test client unhooks
    `close_old_connections` the same way."""
    call_command("seed_demo", api_key=API_KEY, stdout=StringIO())
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
# The demo data is made once per operation, not per case: what the cases add (access requests,
# usage records) is what real clients would leave behind too.
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_api_answers_as_described(case, demo):
    case.call_and_validate()
