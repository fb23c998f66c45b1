"""The candidacy carries its application's call, reference and submission time, with one index per list order.

The screening list of a call with 100,000 candidacies sorted and counted through a join with
every application of the call; with the copies on the candidacy each order the list offers is
an index walk (docs/performance.md, "Screening at 100,000 candidacies"). Existing rows are
filled from their application before the columns become required.
"""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_from_applications(apps, schema_editor):
    Application = apps.get_model("applications", "Application")
    Candidacy = apps.get_model("applications", "Candidacy")
    application = Application.objects.filter(pk=OuterRef("application_id"))
    Candidacy.objects.update(
        call_id=Subquery(application.values("call_id")[:1]),
        reference=Subquery(application.values("reference")[:1]),
        submitted_at=Subquery(application.values("submitted_at")[:1]),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0008_merge_cities_and_teams"),
        ("recruitment", "0004_merge_cities_and_screening_fields"),
    ]

    operations = [
        migrations.AddField(
            model_name="candidacy",
            name="call",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                null=True,
                on_delete=models.deletion.PROTECT,
                related_name="+",
                to="recruitment.callpage",
            ),
        ),
        migrations.AddField(
            model_name="candidacy",
            name="reference",
            field=models.CharField(editable=False, max_length=20, null=True, verbose_name="受付番号 Reference"),
        ),
        migrations.AddField(
            model_name="candidacy",
            name="submitted_at",
            field=models.DateTimeField(editable=False, null=True, verbose_name="応募日時 Submitted at"),
        ),
        migrations.RunPython(copy_from_applications, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="candidacy",
            name="call",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                on_delete=models.deletion.PROTECT,
                related_name="+",
                to="recruitment.callpage",
            ),
        ),
        migrations.AlterField(
            model_name="candidacy",
            name="reference",
            field=models.CharField(editable=False, max_length=20, verbose_name="受付番号 Reference"),
        ),
        migrations.AlterField(
            model_name="candidacy",
            name="submitted_at",
            field=models.DateTimeField(editable=False, verbose_name="応募日時 Submitted at"),
        ),
        migrations.AddIndex(
            model_name="candidacy",
            index=models.Index(fields=["call", "reference", "rank", "id"], name="candidacy_call_reference"),
        ),
        migrations.AddIndex(
            model_name="candidacy",
            index=models.Index(
                fields=["call", "role", "reference", "rank", "id"], name="candidacy_call_role_reference"
            ),
        ),
        migrations.AddIndex(
            model_name="candidacy",
            index=models.Index(fields=["call", "score", "reference", "id"], name="candidacy_call_score"),
        ),
        migrations.AddIndex(
            model_name="candidacy",
            index=models.Index(fields=["call", "submitted_at", "rank", "id"], name="candidacy_call_submitted"),
        ),
        migrations.AddIndex(
            model_name="candidacy",
            index=models.Index(fields=["call", "rank", "reference", "id"], name="candidacy_call_rank"),
        ),
        migrations.AddIndex(
            model_name="candidacy",
            index=models.Index(fields=["call", "status"], name="candidacy_call_status"),
        ),
    ]
