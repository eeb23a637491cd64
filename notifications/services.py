"""Writes of the notifications app: queue e-mails in the outbox, deliver them, portal messages."""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import EmailStatus, Message, OutboundEmail

logger = logging.getLogger(__name__)

EMAIL_LANGUAGES = ("fr", "en", "nl", "de")
# A row left in "sending" this long is taken as lost (worker killed) and queued again.
STALE_SENDING_AFTER = timedelta(minutes=15)


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
    from .tasks import email_send  # the task module imports this one

    transaction.on_commit(lambda: email_send.delay(email.pk))
    return email


def email_deliver(*, email_id: int) -> bool:
    """Claims a queued e-mail and hands it to the backend; a claimed or sent one is left alone."""
    claimed = OutboundEmail.objects.filter(
        pk=email_id, status__in=[EmailStatus.QUEUED, EmailStatus.FAILED]
    ).update(status=EmailStatus.SENDING, attempts=F("attempts") + 1)
    if not claimed:
        return False
    email = OutboundEmail.objects.get(pk=email_id)
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.recipient],
    )
    if email.body_html:
        message.attach_alternative(email.body_html, "text/html")
    try:
        message.send()
    except Exception as exc:
        OutboundEmail.objects.filter(pk=email_id).update(
            status=EmailStatus.FAILED, last_error=f"{type(exc).__name__}: {exc}"[:2000]
        )
        raise
    status = getattr(message, "anymail_status", None)
    OutboundEmail.objects.filter(pk=email_id).update(
        status=EmailStatus.SENT,
        sent_at=timezone.now(),
        last_error="",
        provider_message_id=(getattr(status, "message_id", None) or "")[:255],
    )
    return True


def email_requeue_stale(*, now=None) -> list[int]:
    """Finds e-mails a dead worker left behind or that failed with attempts left; returns ids."""
    now = now or timezone.now()
    stale = OutboundEmail.objects.filter(
        status=EmailStatus.SENDING, created_at__lt=now - STALE_SENDING_AFTER
    )
    stale.update(status=EmailStatus.FAILED, last_error="worker lost while sending")
    return list(
        OutboundEmail.objects.filter(
            status__in=[EmailStatus.QUEUED, EmailStatus.FAILED],
            attempts__lt=settings.EMAIL_MAX_ATTEMPTS,
            created_at__lt=now - timedelta(minutes=5),
        ).values_list("pk", flat=True)[:500]
    )


def message_create(
    *, user, kind: str, subject: str, body: str, company=None, action_url=""
) -> Message:
    """Posts a message in a person's portal inbox."""
    return Message.objects.create(
        user_id=user.pk,
        company_id=company.pk if company is not None else None,
        company_name=company.name if company is not None else "",
        kind=kind,
        subject=subject,
        body=body,
        action_url=action_url,
    )


def message_mark_read(*, message: Message) -> None:
    """Marks a message read the first time its recipient opens it."""
    if message.read_at is None:
        message.read_at = timezone.now()
        message.save(update_fields=["read_at"])
