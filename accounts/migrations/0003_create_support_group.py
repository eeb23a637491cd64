"""Creates the "Support" group: carrier support staff may view, add and change the portal's data
but not delete people or history, nor touch auth groups and permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

SUPPORT_APPS = ("accounts", "notifications", "delegation", "approvals", "imports")
# Deactivate, never delete: support gets no delete permission on these.
NO_DELETE_MODELS = (
    "user",
    "membership",
    "grant",
    "auditevent",
    "outboundemail",
    "company",
    "customeraccount",
)
READ_ONLY_MODELS = ("auditevent", "outboundemail")


def create_support_group(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Support")
    wanted = []
    for perm in Permission.objects.filter(content_type__app_label__in=SUPPORT_APPS).select_related(
        "content_type"
    ):
        action = perm.codename.split("_", 1)[0]
        model = perm.content_type.model
        if action == "delete" and model in NO_DELETE_MODELS:
            continue
        if action in {"add", "change", "delete"} and model in READ_ONLY_MODELS:
            continue
        wanted.append(perm)
    group.permissions.set(wanted)


def remove_support_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Support").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_load_application_catalog"),
        ("notifications", "0001_outbox_and_messages"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_support_group, remove_support_group)]
