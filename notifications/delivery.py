"""The worker's side of the outbox: deliver one queued e-mail, find the ones left behind.

Called by `tasks` only; `services.email_queue` schedules the task after commit."""

from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import F
from django.utils import timezone

from .models import EmailStatus, OutboundEmail

# A row left in "sending" this long is taken as lost (worker killed) and queued again.
STALE_SENDING_AFTER = timedelta(minutes=15)


def email_deliver(*, email_id: int) -> bool:
    """Claims a queued e-mail and hands it to the backend; a claimed or sent one is left alone."""
    claimed = OutboundEmail.objects.filter(
        pk=email_id, status__in=[EmailStatus.QUEUED, EmailStatus.FAILED]
    ).update(status=EmailStatus.SENDING, attempts=F("attempts") + 1)
    if not claimed:
        return False
    email = OutboundEmail.objects.get(pk=email_id)
    # The bodies with working links when the e-mail carries a key; the shown ones otherwise.
    text, html = (
        (email.secret_text, email.secret_html)
        if email.secret_text
        else (email.body_text, email.body_html)
    )
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.recipient],
    )
    if html:
        message.attach_alternative(html, "text/html")
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
        secret_text="",  # the keys leave with the e-mail: nothing kept once sent
        secret_html="",
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
