"""Notifications keep the ids of people and companies, not foreign keys to the accounts app (the
layers: notifications sit below accounts). The columns and their data stay; only the
constraints go, and a message keeps its company's name."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_outbox_and_messages"),
    ]

    operations = [
        # Outbox: user → user_id (same column).
        migrations.AlterField(
            model_name="outboundemail",
            name="user",
            field=models.BigIntegerField(blank=True, db_column="user_id", null=True),
        ),
        migrations.RenameField(model_name="outboundemail", old_name="user", new_name="user_id"),
        migrations.AlterField(
            model_name="outboundemail",
            name="user_id",
            field=models.BigIntegerField(
                blank=True, null=True, verbose_name="utilisateur (identifiant)"
            ),
        ),
        # Messages: the index names the field, so it is rebuilt around the rename.
        migrations.RemoveIndex(model_name="message", name="notifications_msg_user_read"),
        migrations.AlterField(
            model_name="message",
            name="user",
            field=models.BigIntegerField(db_column="user_id"),
        ),
        migrations.RenameField(model_name="message", old_name="user", new_name="user_id"),
        migrations.AlterField(
            model_name="message",
            name="user_id",
            field=models.BigIntegerField(verbose_name="destinataire (identifiant)"),
        ),
        migrations.AlterField(
            model_name="message",
            name="company",
            field=models.BigIntegerField(blank=True, db_column="company_id", null=True),
        ),
        migrations.RenameField(model_name="message", old_name="company", new_name="company_id"),
        migrations.AlterField(
            model_name="message",
            name="company_id",
            field=models.BigIntegerField(
                blank=True, null=True, verbose_name="société concernée (identifiant)"
            ),
        ),
        migrations.AddField(
            model_name="message",
            name="company_name",
            field=models.CharField(blank=True, max_length=200, verbose_name="société concernée"),
        ),
        migrations.AddIndex(
            model_name="message",
            index=models.Index(fields=["user_id", "read_at"], name="notifications_msg_user_read"),
        ),
    ]
