"""Notifications keep ids, not foreign keys to accounts: the migration keeps every message."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

# Accounts stays where the person still carries a tag: these tests create people with the
# historical User model, which has that column (it moved to the membership later).
BEFORE = [
    ("notifications", "0001_outbox_and_messages"),
    ("accounts", "0020_membership_tag_copied_from_person"),
]
AFTER = [("notifications", "0003_fill_message_company_names")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture(autouse=True)
def _back_to_the_latest_migrations():
    """Later tests need the schema of the latest migrations, not the one these tests left."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_messages_keep_their_recipient_and_company_name():
    old = _migrate(BEFORE)
    company = old.get_model("accounts", "Company").objects.create(name="Imprimerie Lambert")
    user = old.get_model("accounts", "User").objects.create(username="elodie", user_key="a" * 32)
    old.get_model("notifications", "Message").objects.create(
        user=user, company=company, kind="k", subject="Demande", body="…"
    )
    old.get_model("notifications", "OutboundEmail").objects.create(
        recipient="elodie@example.com", user=user, kind="k", subject="s", body_text="t"
    )
    new = _migrate(AFTER)
    message = new.get_model("notifications", "Message").objects.get()
    assert (message.user_id, message.company_id) == (user.pk, company.pk)
    assert message.company_name == "Imprimerie Lambert"
    assert new.get_model("notifications", "OutboundEmail").objects.get().user_id == user.pk
