"""Writes of the notifications app: queue e-mails in the outbox, post portal messages.

Delivery (what the worker does with a queued e-mail) is in `delivery`, called by `tasks`."""

import logging

from django.conf import settings
from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .inbox import message_words
from .models import Message, OutboundEmail
from .tasks import email_send, email_send_each

logger = logging.getLogger(__name__)

EMAIL_LANGUAGES = ("fr", "en", "nl", "de")


def render_email(*, template: str, language: str, context: dict) -> tuple[str, str, str]:
    """Renders subject, text and HTML of templates/emails/<template>.* in one language."""
    language = language if language in EMAIL_LANGUAGES else settings.LANGUAGE_CODE
    context = {**context, "site_url": settings.SITE_URL, "support_email": settings.SUPPORT_EMAIL}
    with translation.override(language):
        subject = render_to_string(f"emails/{template}.subject.txt", context)
        text = render_to_string(f"emails/{template}.txt", context)
        html = render_to_string(f"emails/{template}.html", context)
    return " ".join(subject.split()), text.strip() + "\n", html


def email_queue(
    *, kind: str, recipient: str, language: str, context: dict, user=None
) -> OutboundEmail:
    """Stores a rendered e-mail in the outbox; it is sent only once the transaction commits."""
    subject, text, html = render_email(template=kind, language=language, context=context)
    email = OutboundEmail.objects.create(
        recipient=recipient,
        user_id=user.pk if user is not None else None,
        kind=kind,
        language=language,
        subject=subject,
        body_text=text,
        body_html=html,
    )
    transaction.on_commit(lambda: email_send.delay(email.pk))
    return email


def email_queue_many(*, emails: list[dict]) -> list[OutboundEmail]:
    """`email_queue` for many e-mails at once (imports): one INSERT, each sent after commit.
    Each item has the arguments of `email_queue`."""
    rows = []
    for item in emails:
        subject, text, html = render_email(
            template=item["kind"], language=item["language"], context=item["context"]
        )
        user = item.get("user")
        rows.append(
            OutboundEmail(
                recipient=item["recipient"],
                user_id=user.pk if user is not None else None,
                kind=item["kind"],
                language=item["language"],
                subject=subject,
                body_text=text,
                body_html=html,
            )
        )
    created = OutboundEmail.objects.bulk_create(rows)
    ids = [email.pk for email in created]
    transaction.on_commit(lambda: email_send_each.delay(ids))
    return created


def message_create(
    *, user, kind: str, params: dict, company=None, action_url: str = "", topic: str = ""
) -> Message:
    """Posts a message in a person's portal inbox: its kind and JSON parameters, worded in the
    reader's language when read (`inbox`); `topic` names what it announces, to close it once
    settled (`messages_settle`)."""
    with translation.override(settings.LANGUAGE_CODE):
        subject, body = message_words(kind, params)  # an unknown kind or a missing name fails here
    return Message.objects.create(
        user_id=user.pk,
        company_id=company.pk if company is not None else None,
        company_name=company.name if company is not None else "",
        kind=kind,
        params=params,
        stored_subject=subject[:255],
        stored_body=body,
        action_url=action_url,
        topic=topic,
    )


def messages_settle(*, topic: str) -> int:
    """What the messages announce is settled (decided, answered, withdrawn, expired): every
    recipient's message on it is closed, read if it was still new."""
    if not topic:
        return 0
    now = timezone.now()
    return Message.objects.filter(topic=topic, settled_at__isnull=True).update(
        settled_at=now, read_at=Coalesce("read_at", Value(now))
    )


def message_mark_read(*, message: Message) -> None:
    """Marks a message read the first time its recipient opens it."""
    if message.read_at is None:
        message.read_at = timezone.now()
        message.save(update_fields=["read_at"])
