import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import applications.intake.models


class Migration(migrations.Migration):
    initial = True

    replaces = [
        ("exports", "0001_initial"),
        ("exports", "0002_exportjob_candidacy_ids"),
        ("exports", "0003_exportjob_rows"),
        ("exports", "0004_press_summary_kind"),
    ]

    dependencies = [
        ("recruitment", "0001_squashed_0008_merge_english_contacts_interviews"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ExportJob",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "key",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, unique=True, verbose_name="冪等キー Idempotency key"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("decision_pack", "Decision pack (選考結果報告書)"),
                            ("dossiers", "Candidate dossiers (候補者資料)"),
                            ("csv", "Candidacies with scores (CSV)"),
                            ("press_summary", "Press summary (報道発表用集計)"),
                        ],
                        max_length=20,
                        verbose_name="種類 Kind",
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[("queued", "Queued"), ("running", "Running"), ("done", "Done"), ("failed", "Failed")],
                        db_index=True,
                        default="queued",
                        max_length=10,
                    ),
                ),
                ("progress", models.PositiveSmallIntegerField(default=0, verbose_name="進捗 Progress (%)")),
                ("stage", models.CharField(blank=True, max_length=200, verbose_name="段階 Stage")),
                (
                    "file",
                    models.FileField(
                        blank=True,
                        max_length=200,
                        storage=applications.intake.models.private_storage,
                        upload_to="exports/",
                    ),
                ),
                ("sha256", models.CharField(blank=True, max_length=64, verbose_name="SHA-256")),
                ("size", models.PositiveBigIntegerField(blank=True, null=True)),
                ("pages", models.PositiveIntegerField(blank=True, null=True)),
                (
                    "rows",
                    models.PositiveIntegerField(blank=True, null=True, verbose_name="人数 Applicants in the file"),
                ),
                ("error", models.TextField(blank=True, verbose_name="エラー Error")),
                ("attempts", models.PositiveSmallIntegerField(default=0)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("queued_at", models.DateTimeField(blank=True, null=True)),
                ("started_at", models.DateTimeField(blank=True, null=True)),
                ("heartbeat_at", models.DateTimeField(blank=True, null=True)),
                ("finished_at", models.DateTimeField(blank=True, null=True)),
                ("candidacy_ids", models.JSONField(blank=True, default=list)),
                (
                    "call",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="export_jobs",
                        to="recruitment.callpage",
                        verbose_name="募集 Call",
                    ),
                ),
                (
                    "requested_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="export_jobs",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="依頼者",
                    ),
                ),
                (
                    "role",
                    models.ForeignKey(
                        blank=True,
                        help_text="空欄なら募集のすべての業務。",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="export_jobs",
                        to="recruitment.rolepage",
                        verbose_name="業務 Role",
                    ),
                ),
            ],
            options={
                "verbose_name": "出力 Export job",
                "verbose_name_plural": "出力 Export jobs",
                "ordering": ["-created_at"],
                "indexes": [models.Index(fields=["call", "kind", "status"], name="exports_exp_call_id_9b6841_idx")],
            },
        ),
    ]
