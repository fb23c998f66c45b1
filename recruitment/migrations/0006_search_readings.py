"""Roles and task categories store the kana readings of their texts for search (ADR 0013)."""

from django.db import migrations, models


def fill_readings(apps, schema_editor):
    """Derive the readings of the existing roles and categories, as their save would."""
    from recruitment.readings import refresh_stored_readings

    refresh_stored_readings(apps.get_model("recruitment", "TaskCategory"), apps.get_model("recruitment", "RolePage"))


class Migration(migrations.Migration):
    dependencies = [
        ("recruitment", "0005_organisation_prefecture_and_call_results"),
    ]

    operations = [
        migrations.AddField(
            model_name="rolepage",
            name="search_reading",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.AddField(
            model_name="taskcategory",
            name="search_reading",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.RunPython(fill_readings, migrations.RunPython.noop),
    ]
