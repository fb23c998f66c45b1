"""Each application keeps its own applicant; one live candidacy per email and role (issue 11, item 1).

Applicants were unique by email and shared by every application of that address, so a
later submission overwrote the identity of earlier ones. Existing shared rows are split:
the oldest application keeps the row, every later one gets a copy of it as it is now
(what was overwritten before cannot be recovered). Candidacies get the email key the
database rule needs.
"""

from django.db import migrations, models
from django.db.models import Q

IDENTITY_FIELDS = [
    "email",
    "email_key",
    "family_name",
    "given_name",
    "family_name_kana",
    "given_name_kana",
    "name_key",
    "phone",
    "postal_code",
    "prefecture",
    "city",
    "language",
]


def split_shared_applicants(apps, schema_editor):
    Applicant = apps.get_model("applications", "Applicant")
    Application = apps.get_model("applications", "Application")
    Candidacy = apps.get_model("applications", "Candidacy")
    for applicant in Applicant.objects.filter(applications__isnull=False).distinct().iterator():
        applications = list(Application.objects.filter(applicant=applicant).order_by("submitted_at", "pk"))
        for application in applications[1:]:
            copy = Applicant.objects.create(**{name: getattr(applicant, name) for name in IDENTITY_FIELDS})
            Application.objects.filter(pk=application.pk).update(applicant=copy)
            Candidacy.objects.filter(application=application).update(applicant=copy)
    for applicant in Applicant.objects.all().iterator():
        Candidacy.objects.filter(applicant=applicant).update(email_key=applicant.email_key)
    if schema_editor.connection.vendor == "postgresql":
        # Run the deferred foreign-key checks now, so the index below may be built in this transaction.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0003_candidacy_assigned_reviewer"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="candidacy",
            name="one_live_candidacy_per_applicant_and_role",
        ),
        migrations.AlterField(
            model_name="applicant",
            name="email_key",
            field=models.CharField(db_index=True, editable=False, max_length=254),
        ),
        migrations.AddField(
            model_name="candidacy",
            name="email_key",
            field=models.CharField(blank=True, editable=False, max_length=254, null=True),
        ),
        migrations.RunPython(split_shared_applicants, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="candidacy",
            constraint=models.UniqueConstraint(
                condition=Q(("status", "withdrawn"), _negated=True),
                fields=("email_key", "role"),
                name="one_live_candidacy_per_email_and_role",
            ),
        ),
    ]
