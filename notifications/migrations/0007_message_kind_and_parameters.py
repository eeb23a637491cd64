"""Portal messages are worded when read, in the reader's language, from their kind and JSON
parameters. The text existing messages were rendered with is kept, renamed, as their fallback:
they have no parameters (null) and keep reading as they did."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0006_mask_keys_of_stored_emails"),
    ]

    operations = [
        migrations.RenameField(model_name="message", old_name="subject", new_name="stored_subject"),
        migrations.RenameField(model_name="message", old_name="body", new_name="stored_body"),
        migrations.AlterField(
            model_name="message",
            name="stored_subject",
            field=models.CharField(
                blank=True, max_length=255, verbose_name="objet (texte enregistré)"
            ),
        ),
        migrations.AlterField(
            model_name="message",
            name="stored_body",
            field=models.TextField(blank=True, verbose_name="message (texte enregistré)"),
        ),
        migrations.AddField(
            model_name="message",
            name="params",
            field=models.JSONField(blank=True, null=True, verbose_name="paramètres"),
        ),
    ]
