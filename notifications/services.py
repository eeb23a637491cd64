"""Writes of the notifications app: queue e-mails in the outbox, post portal messages.

Delivery (what the worker does with a queued e-mail) is in `delivery`, called by `tasks`."""

import logging
import re
from collections.abc import Collection

from django.conf import settings
from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from .inbox import message_words
from .models import Message, OutboundEmail
from .tasks import email_send, email_send_each

logger = logging.getLogger(__name__)

EMAIL_LANGUAGES = ("fr", "en", "nl", "de")
# The template engine of subjects and text parts (portal/settings.py: no HTML escaping).
TEXT_ENGINE = "email_text"
_BLANK_LINES = re.compile(r"\n[ \t]*\n(?:[ \t]*\n)+")

# What the outbox shows in place of a link that carries a key (STYLE rule 12).
SECRET_LINK_MARKER = _("[lien masqué]")


def render_email(*, template: str, language: str, context: dict) -> tuple[str, str, str]:
    """Renders subject, text and HTML of templates/emails/<template>.* in one language.

    Subject and text come from the "email_text" engine, which escapes nothing (plain text); the
    subject is written once, in <template>.subject.txt, and given to the HTML as `subject`."""
    language = language if language in EMAIL_LANGUAGES else settings.LANGUAGE_CODE
    context = {**context, "site_url": settings.SITE_URL, "support_email": settings.SUPPORT_EMAIL}
    with translation.override(language):
        subject: str = " ".join(
            render_to_string(f"emails/{template}.subject.txt", context, using=TEXT_ENGINE).split()
        )
        text: str = render_to_string(f"emails/{template}.txt", context, using=TEXT_ENGINE)
        html = render_to_string(f"emails/{template}.html", {**context, "subject": subject})
    # Optional paragraphs leave blank lines behind: at most one empty line between paragraphs.
    return subject, _BLANK_LINES.sub("\n\n", text).strip() + "\n", html


def _outbox_fields(*, kind: str, language: str, context: dict, secrets: Collection[str]) -> dict:
    """The rendered fields of an outbox row. The context values named in `secrets` (links that
    carry a key) are replaced by a marker in what support staff read; the e-mail as sent is then
    rendered once more with them, into the fields only the worker reads."""
    if unknown := set(secrets) - context.keys():  # a misspelt name would leave a key shown
        raise ValueError(f"secrets not in the context of {kind}: {sorted(unknown)}")
    # An empty link stays empty: the templates test it to leave out its paragraph.
    masked = [name for name in secrets if context[name]]
    shown = {**context, **dict.fromkeys(masked, SECRET_LINK_MARKER)}
    subject, text, html = render_email(template=kind, language=language, context=shown)
    fields = {"subject": bounded_subject(subject), "body_text": text, "body_html": html}
    if secrets:
        _subject, secret_text, secret_html = render_email(
            template=kind, language=language, context=context
        )
        fields |= {"secret_text": secret_text, "secret_html": secret_html}
    return fields


def bounded_subject(subject: str) -> str:
    """A subject that fits the column of the outbox and of the inbox (both 255 characters): a
    longer one (a long e-mail address quoted in it) is cut with an ellipsis."""
    limit = OutboundEmail._meta.get_field("subject").max_length or 255
    return subject if len(subject) <= limit else subject[: limit - 1] + "…"


def email_queue(
    *,
    kind: str,
    recipient: str,
    language: str,
    context: dict,
    user=None,
    secrets: Collection[str] = (),
) -> OutboundEmail:
    """Stores a rendered e-mail in the outbox; it is sent only once the transaction commits.
    `secrets`: the names of the context values that are links carrying a key, which the outbox
    never shows."""
    email = OutboundEmail.objects.create(
        recipient=recipient,
        user_id=user.pk if user is not None else None,
        kind=kind,
        language=language,
        **_outbox_fields(kind=kind, language=language, context=context, secrets=secrets),
    )
    transaction.on_commit(lambda: email_send.delay(email.pk))
    return email


def email_queue_many(*, emails: list[dict]) -> list[OutboundEmail]:
    """`email_queue` for many e-mails at once (imports): one INSERT, each sent after commit.
    Each item has the arguments of `email_queue`."""
    rows = []
    for item in emails:
        user = item.get("user")
        rows.append(
            OutboundEmail(
                recipient=item["recipient"],
                user_id=user.pk if user is not None else None,
                kind=item["kind"],
                language=item["language"],
                **_outbox_fields(
                    kind=item["kind"],
                    language=item["language"],
                    context=item["context"],
                    secrets=item.get("secrets", ()),
                ),
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
        stored_subject=bounded_subject(subject),
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
