"""Jobs stored before columns became [key, header] pairs get them as pairs."""

from django.db import migrations


def to_pairs(apps, schema_editor):
    ImportJob = apps.get_model("imports", "ImportJob")
    for job in ImportJob.objects.all().only("pk", "columns"):
        if isinstance(job.columns, dict):
            job.columns = [[key, header] for key, header in job.columns.items()]
            job.save(update_fields=["columns"])


class Migration(migrations.Migration):
    dependencies = [("imports", "0002_columns_in_file_order")]

    operations = [migrations.RunPython(to_pairs, migrations.RunPython.noop)]
