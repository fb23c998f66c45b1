"""The drafts started, submitted and stopped per step become running tallies: count the drafts still kept."""

from django.db import migrations


def fill_draft_tallies(apps, schema_editor):
    """Every call's tallies again from its rows, the drafts now among them."""
    from types import SimpleNamespace

    from applications.statistics.tallies import tallies_rebuild

    models_ = SimpleNamespace(
        **{
            name: apps.get_model("applications", name)
            for name in ("Application", "Candidacy", "CallTally", "SubmissionContext", "SurveyAnswer", "Draft")
        }
    )
    calls = set(models_.Application.objects.values_list("call_id", flat=True).distinct().order_by())
    calls |= set(models_.Draft.objects.values_list("call_id", flat=True).distinct().order_by())
    for call_id in sorted(calls):
        tallies_rebuild(call_id=call_id, models=models_)


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0016_messagetemplate_kinds_interviews_and_messages"),
    ]

    operations = [
        migrations.RunPython(fill_draft_tallies, migrations.RunPython.noop),
    ]
