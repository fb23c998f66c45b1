"""A shortlist per role instead of per call; a screening audit log of our own; conflict-of-interest declarations.

Data: each call's shortlist becomes one shortlist per role of the call (same status,
people, dates and comment), its factor moves to ``CallPage.shortlist_factor``; the
screening entries ("kobo.*") of Wagtail's page and model history move to ``AuditEntry``
so they no longer show in the page history or site history (issue 11, item 12).
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def _checks_now(schema_editor):
    """Check foreign keys per statement, so the ALTER TABLEs after the data steps find no pending triggers."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


COPIED = ["status", "submitted_by_id", "submitted_at", "decided_by_id", "decided_at", "comment"]


def split_shortlists(apps, schema_editor):
    _checks_now(schema_editor)
    Shortlist = apps.get_model("applications", "Shortlist")
    RolePage = apps.get_model("recruitment", "RolePage")
    CallPage = apps.get_model("recruitment", "CallPage")
    for old in list(Shortlist.objects.filter(role__isnull=True).select_related("call")):
        call = old.call
        CallPage.objects.filter(pk=call.pk).update(shortlist_factor=old.factor)
        roles = RolePage.objects.filter(path__startswith=call.path, depth=call.depth + 1)
        for role in roles:
            Shortlist.objects.create(role_id=role.pk, call_id=None, **{f: getattr(old, f) for f in COPIED})
        old.delete()


def join_shortlists(apps, schema_editor):
    """Back to one per call: the least advanced role's status (an approved call needs every role approved)."""
    _checks_now(schema_editor)
    Shortlist = apps.get_model("applications", "Shortlist")
    RolePage = apps.get_model("recruitment", "RolePage")
    CallPage = apps.get_model("recruitment", "CallPage")
    order = ["draft", "returned", "submitted", "approved"]
    by_call = {}
    for shortlist in Shortlist.objects.filter(role__isnull=False):
        role = RolePage.objects.get(pk=shortlist.role_id)
        call = CallPage.objects.get(path=role.path[:-4])
        by_call.setdefault(call.pk, []).append(shortlist)
    for call_pk, shortlists in by_call.items():
        first = min(shortlists, key=lambda s: order.index(s.status))
        factor = CallPage.objects.get(pk=call_pk).shortlist_factor
        Shortlist.objects.filter(pk__in=[s.pk for s in shortlists]).delete()
        Shortlist.objects.create(call_id=call_pk, factor=factor, **{f: getattr(first, f) for f in COPIED})


def move_audit_entries(apps, schema_editor):
    _checks_now(schema_editor)
    AuditEntry = apps.get_model("applications", "AuditEntry")
    for model_name in ("ModelLogEntry", "PageLogEntry"):
        LogEntry = apps.get_model("wagtailcore", model_name)
        entries = LogEntry.objects.filter(action__startswith="kobo.")
        batch = []
        for entry in entries.iterator():
            data = entry.data or {}
            candidacy_id = None
            if model_name == "ModelLogEntry" and entry.action.startswith("kobo.candidacy."):
                candidacy_id = int(entry.object_id) if str(entry.object_id).isdigit() else None
            batch.append(
                AuditEntry(
                    timestamp=entry.timestamp,
                    user_id=entry.user_id,
                    action=entry.action,
                    call_id=data.get("call_id"),
                    candidacy_id=candidacy_id,
                    data=data,
                )
            )
        AuditEntry.objects.bulk_create(batch)
        entries.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0003_candidacy_assigned_reviewer"),
        ("recruitment", "0002_callpage_shortlist_factor"),
        ("wagtailcore", "0098_apitoken"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="shortlist",
            name="role",
            field=models.OneToOneField(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="shortlist",
                to="recruitment.rolepage",
            ),
        ),
        migrations.AlterField(
            model_name="shortlist",
            name="call",
            field=models.OneToOneField(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="shortlist",
                to="recruitment.callpage",
            ),
        ),
        migrations.RunPython(split_shortlists, join_shortlists),
        migrations.RemoveField(model_name="shortlist", name="call"),
        migrations.RemoveField(model_name="shortlist", name="factor"),
        migrations.AlterField(
            model_name="shortlist",
            name="role",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.CASCADE, related_name="shortlist", to="recruitment.rolepage"
            ),
        ),
        migrations.AlterModelOptions(name="shortlist", options={"verbose_name": "候補者リスト Shortlist"}),
        migrations.CreateModel(
            name="AuditEntry",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("timestamp", models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
                ("action", models.CharField(db_index=True, max_length=50)),
                ("rows", models.PositiveIntegerField(blank=True, null=True)),
                ("data", models.JSONField(blank=True, default=dict)),
                (
                    "call",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="recruitment.callpage",
                    ),
                ),
                (
                    "candidacy",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="applications.candidacy",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "審査の記録 Screening audit entry",
                "verbose_name_plural": "審査の記録 Screening audit entries",
                "ordering": ["-timestamp", "-pk"],
                "indexes": [models.Index(fields=["call", "-timestamp"], name="audit_call_recent")],
            },
        ),
        migrations.RunPython(move_audit_entries, migrations.RunPython.noop),
        migrations.CreateModel(
            name="ConflictOfInterest",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("declared_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "candidacy",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="conflicts",
                        to="applications.candidacy",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to=settings.AUTH_USER_MODEL
                    ),
                ),
            ],
            options={
                "verbose_name": "利益相反 Conflict of interest",
                "constraints": [models.UniqueConstraint(fields=("user", "candidacy"), name="one_conflict_per_user")],
            },
        ),
    ]
