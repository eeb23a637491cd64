"""Notifications keep ids, not foreign keys to accounts: the migration keeps every message."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

# Accounts stays where the person still carries a tag: these tests create people with the
# historical User model, which has that column (it moved to the membership later).
BEFORE = [
    ("notifications", "0001_outbox_and_messages"),
    ("accounts", "0024_membership_tag_copied_from_person"),
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


def test_stored_emails_lose_their_keys_and_unsent_ones_still_go_out_whole():
    old = _migrate([("notifications", "0005_outbox_keys_hidden_until_sent")])
    OutboundEmail = old.get_model("notifications", "OutboundEmail")
    decision = "https://sesame.example/esecure/decision/Kd3c1s10n-key_A/"
    reset = "https://sesame.example/accounts/recovery/MQ/cb1x2z-0123456789abcdef/"
    sent = OutboundEmail.objects.create(
        recipient="a@example.com",
        kind="esecure_approval_request",
        subject="s",
        status="sent",
        body_text=f"Approuver : {decision}\nPortail : https://sesame.example/esecure/",
        body_html=f'<a href="{decision}">{decision}</a>',
    )
    queued = OutboundEmail.objects.create(
        recipient="b@example.com",
        kind="password_reset",
        subject="s",
        status="queued",
        body_text=f"Lien : {reset}",
        body_html=f'<p><a href="{reset}">Choisir</a></p>',
    )
    new = _migrate([("notifications", "0006_mask_keys_of_stored_emails")])
    emails = new.get_model("notifications", "OutboundEmail").objects
    sent, queued = emails.get(pk=sent.pk), emails.get(pk=queued.pk)
    assert sent.body_text == (
        "Approuver : [lien masqué]\nPortail : https://sesame.example/esecure/"
    )
    assert sent.body_html == '<a href="[lien masqué]">[lien masqué]</a>'
    assert sent.secret_text == sent.secret_html == ""
    assert queued.body_text == "Lien : [lien masqué]" and "cb1x2z" not in queued.body_html
    assert queued.secret_text == f"Lien : {reset}" and reset in queued.secret_html


def test_messages_stored_as_text_keep_reading_after_kinds_got_parameters():
    old = _migrate([("notifications", "0004_outboundemail_claimed_at"), BEFORE[1]])
    user = old.get_model("accounts", "User").objects.create(username="elodie", user_key="b" * 32)
    old.get_model("notifications", "Message").objects.create(
        user_id=user.pk, kind="esecure.request", subject="Verzoek 950000033", body="Tekst."
    )
    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    from notifications.models import Message

    message = Message.objects.get()
    assert message.params is None  # no parameters: the stored text is what it reads
    assert (message.subject, message.body) == ("Verzoek 950000033", "Tekst.")
