from django.contrib import admin, messages
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import EmailStatus, Message, OutboundEmail
from .tasks import email_send


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    list_display = ("created_at", "recipient", "kind", "language", "status", "attempts", "sent_at")
    list_filter = ("status", "kind", "language")
    search_fields = ("recipient", "subject", "kind")
    date_hierarchy = "created_at"
    # The e-mail as sent, with its working links, is for the worker only (never shown).
    exclude = OutboundEmail.SECRET_FIELDS
    readonly_fields = [
        f.name for f in OutboundEmail._meta.fields if f.name not in OutboundEmail.SECRET_FIELDS
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).defer(*OutboundEmail.SECRET_FIELDS)

    actions = ["resend"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Renvoyer les e-mails en échec"))
    def resend(self, request, queryset):
        ids = list(queryset.filter(status=EmailStatus.FAILED).values_list("pk", flat=True))
        for email_id in ids:
            transaction.on_commit(lambda email_id=email_id: email_send.delay(email_id))
        self.message_user(
            request,
            ngettext("%(n)d e-mail remis en file.", "%(n)d e-mails remis en file.", len(ids))
            % {"n": len(ids)},
            messages.SUCCESS,
        )


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = (
        "created_at",
        "user_id",
        "company_name",
        "kind",
        "subject",
        "read_at",
        "settled_at",
    )
    list_filter = ("kind",)
    # People are ids here (notifications keep no foreign key to accounts): "=42" finds user 42.
    # The stored subject is the French wording (or, for older messages, the one they were sent in).
    search_fields = ("=user_id", "company_name", "stored_subject", "topic")
