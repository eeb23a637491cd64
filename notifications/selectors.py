from django.db.models import Q, QuerySet

from .models import Message, OutboundEmail


def message_list(*, user) -> QuerySet[Message]:
    return Message.objects.for_user(user)


def unread_count(*, user) -> int:
    return Message.objects.for_user(user).unread().count()


def outbox_list(*, search: str = "") -> QuerySet[OutboundEmail]:
    emails = OutboundEmail.objects.defer(*OutboundEmail.SECRET_FIELDS)
    if search:
        emails = emails.filter(Q(recipient__icontains=search) | Q(kind__icontains=search))
    return emails
