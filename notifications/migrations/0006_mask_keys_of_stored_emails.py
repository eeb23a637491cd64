"""E-mails stored before 0005 show their links' keys to support staff: replace every link that
carries a key by the marker, keeping the e-mail as sent for the worker when it is not sent yet."""

import re

from django.db import migrations

# The paths of the links that carry a key, as they were when this migration was written.
KEY_LINK = re.compile(
    r"https?://[^\s\"'<>]+?/(?:"
    r"(?:esecure/decision|invitation|provider-access|me/email/confirm)/[\w-]+"
    r"|accounts/recovery/[\w-]+/[\w-]+"
    r")/"
)
MARKER = "[lien masqué]"


def mask_keys(apps, schema_editor):
    OutboundEmail = apps.get_model("notifications", "OutboundEmail")
    for email in OutboundEmail.objects.filter(secret_text="").iterator():
        text = KEY_LINK.sub(MARKER, email.body_text)
        html = KEY_LINK.sub(MARKER, email.body_html)
        if (text, html) == (email.body_text, email.body_html):
            continue
        if email.status != "sent":
            email.secret_text, email.secret_html = email.body_text, email.body_html
        email.body_text, email.body_html = text, html
        email.save(update_fields=["body_text", "body_html", "secret_text", "secret_html"])


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0005_outbox_keys_hidden_until_sent"),
    ]

    operations = [migrations.RunPython(mask_keys, migrations.RunPython.noop)]
