"""Existing portal messages keep showing their company: copy its name onto them."""

from django.db import migrations


def fill_company_names(apps, schema_editor):
    Message = apps.get_model("notifications", "Message")
    Company = apps.get_model("accounts", "Company")
    ids = set(Message.objects.exclude(company_id=None).values_list("company_id", flat=True))
    for company in Company.objects.filter(pk__in=ids).only("pk", "name"):
        Message.objects.filter(company_id=company.pk).update(company_name=company.name)


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0002_ids_instead_of_foreign_keys"),
        ("accounts", "0001_initial_schema"),
    ]

    operations = [migrations.RunPython(fill_company_names, migrations.RunPython.noop)]
