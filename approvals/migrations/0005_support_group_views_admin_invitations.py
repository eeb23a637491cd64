"""Support staff see customer admin invitations (read-only: they are answered by the invited
person and resent or withdrawn by the account's admins)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def grant(apps, schema_editor):
    app_config = apps.get_app_config("approvals")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Support")
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="approvals", codename="view_admininvitation"
        )
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name="Support"):
        group.permissions.remove(
            *group.permissions.filter(
                content_type__app_label="approvals", codename="view_admininvitation"
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("approvals", "0004_customer_admin_invitation"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
