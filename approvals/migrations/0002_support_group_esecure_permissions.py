"""Gives the "Support" group the eSecure models: view, add and change everywhere; delete nothing
(decisions and history are kept); decision links and usage history are read-only."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

READ_ONLY_MODELS = ("decisionlink", "usagerecord")


def grant(apps, schema_editor):
    app_config = apps.get_app_config("approvals")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Support")
    for perm in Permission.objects.filter(content_type__app_label="approvals").select_related(
        "content_type"
    ):
        action = perm.codename.split("_", 1)[0]
        if action == "delete":
            continue
        if action in {"add", "change"} and perm.content_type.model in READ_ONLY_MODELS:
            continue
        group.permissions.add(perm)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name="Support"):
        group.permissions.remove(*group.permissions.filter(content_type__app_label="approvals"))


class Migration(migrations.Migration):
    dependencies = [
        ("approvals", "0001_esecure_models"),
        ("accounts", "0003_create_support_group"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
