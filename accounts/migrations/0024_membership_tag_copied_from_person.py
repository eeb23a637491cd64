"""Each link of a person with a company gets the tag the person carried (imports no app code)."""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def tag_to_links(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    Membership = apps.get_model("accounts", "Membership")
    Membership.objects.filter(user__in=User.objects.exclude(tag="")).update(
        tag=Subquery(User.objects.filter(pk=OuterRef("user_id")).values("tag")[:1])
    )


def tag_back_to_person(apps, schema_editor):
    """Backwards: a person gets the first non-empty tag of their links (by link id)."""
    User = apps.get_model("accounts", "User")
    Membership = apps.get_model("accounts", "Membership")
    first_tag = (
        Membership.objects.filter(user_id=OuterRef("pk")).exclude(tag="").order_by("pk")
    )
    User.objects.filter(pk__in=Membership.objects.exclude(tag="").values("user_id")).update(
        tag=Subquery(first_tag.values("tag")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0023_membership_tag"),
    ]

    operations = [
        migrations.RunPython(tag_to_links, tag_back_to_person),
    ]
