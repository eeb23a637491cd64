"""The worker's side of the outbox: deliver one queued e-mail, find the ones left behind.

Called by `tasks` only; `services.email_queue` schedules the task after commit.

A row is claimed (queued or failed → sending) with a conditional update, so a task run twice
sends once. A worker killed after the claim leaves the row "sending": `email_requeue_stale`
sends it again once its claim is older than EMAIL_STALE_SECONDS. One window remains, inherent
to SMTP: killed after the server accepted the message and before the row is marked sent, the
e-mail goes out twice. The row is marked sent before the connection's QUIT to keep that window
to the server's reply and one UPDATE, and every send of a row carries the same Message-ID so
that the copy can be recognised (and is merged by clients that dedupe on it)."""

import logging
from datetime import timedelta
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db.models import F, Q
from django.utils import timezone

from .models import EmailStatus, OutboundEmail

logger = logging.getLogger(__name__)


def message_id(email: OutboundEmail) -> str:
    """The Message-ID of an outbox row: the same for every attempt, unique across databases."""
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "sesame.invalid"
    return f"<outbox.{email.pk}.{int(email.created_at.timestamp() * 1_000_000)}@{domain}>"


def email_deliver(*, email_id: int) -> bool:
    """Claims a queued e-mail and hands it to the backend; a claimed or sent one is left alone."""
    claimed = OutboundEmail.objects.filter(
        pk=email_id, status__in=[EmailStatus.QUEUED, EmailStatus.FAILED]
    ).update(status=EmailStatus.SENDING, attempts=F("attempts") + 1, claimed_at=timezone.now())
    if not claimed:
        return False
    email = OutboundEmail.objects.get(pk=email_id)
    # The bodies with working links when the e-mail carries a key; the shown ones otherwise.
    text, html = (
        (email.secret_text, email.secret_html)
        if email.secret_text
        else (email.body_text, email.body_html)
    )
    connection = get_connection()
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.recipient],
        headers={"Message-ID": message_id(email)},
        connection=connection,
    )
    if html:
        message.attach_alternative(html, "text/html")
    try:
        connection.open()
        message.send()
    except Exception as exc:
        OutboundEmail.objects.filter(pk=email_id).update(
            status=EmailStatus.FAILED, last_error=f"{type(exc).__name__}: {exc}"[:2000]
        )
        _close(connection)
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
    _close(connection)
    return True


def _close(connection) -> None:
    """The message is accepted (or failed) already: a failing QUIT changes nothing."""
    try:
        connection.close()
    except Exception:
        logger.warning("closing the e-mail connection failed", exc_info=True)


def email_requeue_stale(*, now=None) -> list[int]:
    """Finds e-mails a dead worker left behind or that failed with attempts left; returns ids."""
    now = now or timezone.now()
    since = now - timedelta(seconds=settings.EMAIL_STALE_SECONDS)
    stale = OutboundEmail.objects.filter(status=EmailStatus.SENDING).filter(
        Q(claimed_at__lt=since) | Q(claimed_at__isnull=True, created_at__lt=since)
    )
    stale.update(status=EmailStatus.FAILED, last_error="worker lost while sending")
    return list(
        OutboundEmail.objects.filter(
            status__in=[EmailStatus.QUEUED, EmailStatus.FAILED],
            attempts__lt=settings.EMAIL_MAX_ATTEMPTS,
            created_at__lt=since,
        ).values_list("pk", flat=True)[:500]
    )
