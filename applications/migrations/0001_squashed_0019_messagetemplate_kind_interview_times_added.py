import uuid

import django.db.models.deletion
import django.utils.timezone
import wagtail.models.preview
from django.conf import settings
from django.db import migrations, models

import applications.intake.models
import applications.mail.catalogue


class Migration(migrations.Migration):
    initial = True

    replaces = [
        ("applications", "0001_initial"),
        ("applications", "0002_candidacy_disagreement_candidacy_review_count_and_more"),
        ("applications", "0003_candidacy_assigned_reviewer"),
        ("applications", "0004_applicant_per_application"),
        ("applications", "0004_cities_and_teams"),
        ("applications", "0004_shortlist_per_role"),
        ("applications", "0005_notifications_and_retention"),
        ("applications", "0006_merge_identity_shortlists_and_notices"),
        ("applications", "0007_messagetemplate_kinds"),
        ("applications", "0008_merge_cities_and_teams"),
        ("applications", "0009_candidacy_list_keys"),
        ("applications", "0010_draft_file_bytes"),
        ("applications", "0010_draft_session_binding_and_email_code"),
        ("applications", "0010_outbox_claims"),
        ("applications", "0010_review_voided_at"),
        ("applications", "0010_screening_outcomes_and_approval_count"),
        ("applications", "0011_merge_outbox_drafts_reviews_outcomes"),
        ("applications", "0012_messagetemplate_kinds_correction_and_codes"),
        ("applications", "0013_consent_notice_language"),
        ("applications", "0013_interview_rounds"),
        ("applications", "0013_outbox_sender_and_reply_to"),
        ("applications", "0013_statistics_tallies_devices_survey"),
        ("applications", "0014_candidacy_messages"),
        ("applications", "0014_interview_booking_calendar"),
        ("applications", "0014_interview_panel_and_decisions"),
        ("applications", "0015_merge_consent_interviews_messages_statistics"),
        ("applications", "0016_messagetemplate_kinds_interviews_and_messages"),
        ("applications", "0017_messagetemplate_kinds_by_stage_and_interview_covered"),
        ("applications", "0017_statistics_draft_tallies"),
        ("applications", "0018_merge_mail_kinds_and_draft_tallies"),
        ("applications", "0019_messagetemplate_kind_interview_times_added"),
    ]

    dependencies = [
        ("recruitment", "0001_squashed_0008_merge_english_contacts_interviews"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Applicant",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("email", models.EmailField(max_length=254, verbose_name="メール Email")),
                ("email_key", models.CharField(db_index=True, editable=False, max_length=254)),
                ("family_name", models.CharField(max_length=100, verbose_name="姓 Family name")),
                ("given_name", models.CharField(max_length=100, verbose_name="名 Given name")),
                ("family_name_kana", models.CharField(max_length=100, verbose_name="セイ Family name (kana)")),
                ("given_name_kana", models.CharField(max_length=100, verbose_name="メイ Given name (kana)")),
                ("name_key", models.CharField(db_index=True, editable=False, max_length=250)),
                ("phone", models.CharField(max_length=20, verbose_name="電話 Phone")),
                ("postal_code", models.CharField(max_length=8, verbose_name="郵便番号 Postal code")),
                ("prefecture", models.CharField(max_length=10, verbose_name="都道府県 Prefecture")),
                ("city", models.CharField(max_length=100, verbose_name="市区町村 City")),
                ("language", models.CharField(default="ja", max_length=5)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
            ],
            options={
                "verbose_name": "応募者 Applicant",
                "verbose_name_plural": "応募者 Applicants",
            },
        ),
        migrations.CreateModel(
            name="Application",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("reference", models.CharField(max_length=20, unique=True, verbose_name="受付番号 Reference")),
                ("submission_token", models.UUIDField(editable=False, unique=True)),
                ("answers", models.JSONField(default=dict, verbose_name="回答 Answers")),
                ("consent_notice_version", models.PositiveIntegerField(verbose_name="同意した通知の版 Notice version")),
                (
                    "consent_notice_language",
                    models.CharField(default="ja", max_length=5, verbose_name="同意した通知の言語 Notice language"),
                ),
                (
                    "consent_notice_digest",
                    models.CharField(blank=True, max_length=64, verbose_name="同意した通知のハッシュ Notice digest"),
                ),
                ("consented_at", models.DateTimeField(verbose_name="同意日時 Consented at")),
                ("language", models.CharField(default="ja", max_length=5)),
                ("manage_token_hash", models.CharField(editable=False, max_length=64, unique=True)),
                ("submitted_at", models.DateTimeField(db_index=True, verbose_name="応募日時 Submitted at")),
                ("anonymised_at", models.DateTimeField(blank=True, null=True, verbose_name="匿名化日時 Anonymised at")),
                (
                    "applicant",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="applications",
                        to="applications.applicant",
                    ),
                ),
                (
                    "call",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="applications",
                        to="recruitment.callpage",
                    ),
                ),
            ],
            options={
                "verbose_name": "応募 Application",
                "verbose_name_plural": "応募 Applications",
                "ordering": ["-submitted_at"],
            },
        ),
        migrations.CreateModel(
            name="Attachment",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "file",
                    models.FileField(
                        max_length=200,
                        storage=applications.intake.models.private_storage,
                        upload_to="attachments/%Y/%m/",
                    ),
                ),
                ("original_name", models.CharField(max_length=255)),
                ("content_type", models.CharField(max_length=50)),
                ("size", models.PositiveIntegerField()),
                ("sha256", models.CharField(max_length=64)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "application",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="attachments",
                        to="applications.application",
                    ),
                ),
            ],
            options={
                "verbose_name": "添付ファイル Attachment",
            },
        ),
        migrations.CreateModel(
            name="Candidacy",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("email_key", models.CharField(blank=True, editable=False, max_length=254, null=True)),
                ("reference", models.CharField(editable=False, max_length=20, verbose_name="受付番号 Reference")),
                ("submitted_at", models.DateTimeField(editable=False, verbose_name="応募日時 Submitted at")),
                ("rank", models.PositiveSmallIntegerField(verbose_name="希望順位 Preference")),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("submitted", "Submitted"),
                            ("in_review", "In review"),
                            ("shortlisted", "Shortlisted"),
                            ("rejected", "Not shortlisted"),
                            ("selected", "Selected"),
                            ("not_selected", "Not selected"),
                            ("withdrawn", "Withdrawn"),
                            ("reserve", "Reserve"),
                            ("declined", "Declined the offer"),
                        ],
                        db_index=True,
                        default="submitted",
                        max_length=20,
                    ),
                ),
                ("withdrawn_at", models.DateTimeField(blank=True, null=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("version", models.PositiveIntegerField(default=1)),
                ("score", models.DecimalField(blank=True, db_index=True, decimal_places=2, max_digits=5, null=True)),
                ("review_count", models.PositiveSmallIntegerField(default=0)),
                ("disagreement", models.BooleanField(db_index=True, default=False)),
                ("decided_at", models.DateTimeField(blank=True, null=True)),
                (
                    "applicant",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="candidacies",
                        to="applications.applicant",
                    ),
                ),
                (
                    "application",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="candidacies",
                        to="applications.application",
                    ),
                ),
                (
                    "assigned_reviewer",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "call",
                    models.ForeignKey(
                        db_index=False,
                        editable=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="recruitment.callpage",
                    ),
                ),
                (
                    "role",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="candidacies",
                        to="recruitment.rolepage",
                    ),
                ),
            ],
            options={
                "verbose_name": "候補 Candidacy",
                "verbose_name_plural": "候補 Candidacies",
                "ordering": ["application", "rank"],
            },
        ),
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
                    "user",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
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
            ],
            options={
                "verbose_name": "審査の記録 Screening audit entry",
                "verbose_name_plural": "審査の記録 Screening audit entries",
                "ordering": ["-timestamp", "-pk"],
            },
        ),
        migrations.CreateModel(
            name="CandidacyMessage",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "sender",
                    models.CharField(
                        choices=[("staff", "The selection team"), ("applicant", "Applicant")], max_length=10
                    ),
                ),
                ("body", models.TextField(max_length=4000, verbose_name="本文 Message")),
                ("created_at", models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
                ("read_at", models.DateTimeField(blank=True, null=True)),
                (
                    "file",
                    models.FileField(
                        blank=True,
                        max_length=200,
                        storage=applications.intake.models.private_storage,
                        upload_to="messages/%Y/%m/",
                    ),
                ),
                ("file_name", models.CharField(blank=True, max_length=255)),
                ("file_type", models.CharField(blank=True, max_length=50)),
                ("file_size", models.PositiveIntegerField(default=0)),
                ("file_sha256", models.CharField(blank=True, max_length=64)),
                (
                    "author",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "candidacy",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="messages",
                        to="applications.candidacy",
                    ),
                ),
            ],
            options={
                "verbose_name": "メッセージ Message",
                "verbose_name_plural": "メッセージ Messages",
                "ordering": ["created_at", "pk"],
            },
        ),
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
            },
        ),
        migrations.CreateModel(
            name="Draft",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("token_hash", models.CharField(max_length=64, unique=True)),
                ("session_hash", models.CharField(blank=True, editable=False, max_length=64)),
                ("verified_email_key", models.CharField(blank=True, editable=False, max_length=254)),
                ("code_hash", models.CharField(blank=True, editable=False, max_length=64)),
                ("code_email_key", models.CharField(blank=True, editable=False, max_length=254)),
                ("code_expires_at", models.DateTimeField(blank=True, editable=False, null=True)),
                ("code_attempts", models.PositiveSmallIntegerField(default=0, editable=False)),
                ("submission_token", models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                ("data", models.JSONField(default=dict)),
                ("file_bytes", models.PositiveBigIntegerField(default=0)),
                ("email", models.EmailField(blank=True, max_length=254)),
                ("language", models.CharField(default="ja", max_length=5)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("expires_at", models.DateTimeField(db_index=True)),
                (
                    "application",
                    models.OneToOneField(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="draft",
                        to="applications.application",
                    ),
                ),
                (
                    "call",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="drafts", to="recruitment.callpage"
                    ),
                ),
            ],
            options={
                "verbose_name": "下書き Draft",
            },
        ),
        migrations.CreateModel(
            name="FinalDecision",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "outcome",
                    models.CharField(
                        choices=[
                            ("selected", "Selected (採用)"),
                            ("not_selected", "Not selected (不採用)"),
                            ("reserve", "Reserve (補欠)"),
                        ],
                        max_length=20,
                        verbose_name="結果 Outcome",
                    ),
                ),
                (
                    "reason",
                    models.CharField(
                        choices=[
                            ("strong_fit", "Strong match with what the role needs"),
                            ("portfolio", "Experience and portfolio"),
                            ("interview", "The panel's assessment of the interview"),
                            ("headcount", "All places filled by candidates the panel ranked higher"),
                            ("skills", "Skills do not yet match what the role needs"),
                            ("conditions", "Availability or working conditions do not match"),
                            ("promoted", "A place became free (promoted from the reserve list)"),
                            ("other", "Other (see the text)"),
                        ],
                        max_length=20,
                        verbose_name="理由 Reason",
                    ),
                ),
                ("reason_text", models.TextField(blank=True, verbose_name="理由の詳細 Reason in words")),
                (
                    "share_reason",
                    models.BooleanField(
                        default=False, verbose_name="理由を本人に伝える Share the reason with the applicant"
                    ),
                ),
                (
                    "reserve_order",
                    models.PositiveSmallIntegerField(blank=True, null=True, verbose_name="補欠の順位 Reserve order"),
                ),
                ("decided_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "candidacy",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="final_decisions",
                        to="applications.candidacy",
                    ),
                ),
                (
                    "decided_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL
                    ),
                ),
            ],
            options={
                "verbose_name": "最終決定 Final decision",
                "ordering": ["decided_at", "pk"],
            },
        ),
        migrations.CreateModel(
            name="InterviewBooking",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "accommodation",
                    models.TextField(
                        blank=True,
                        help_text="Extra time, captions, sign language...: shown to the panel.",
                        verbose_name="配慮の希望 Accommodation",
                    ),
                ),
                ("booked_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("cancelled_at", models.DateTimeField(blank=True, null=True)),
                ("uid", models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                ("sequence", models.PositiveSmallIntegerField(default=0)),
                ("moved_at", models.DateTimeField(blank=True, null=True)),
                (
                    "application",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="interview_bookings",
                        to="applications.application",
                    ),
                ),
            ],
            options={
                "ordering": ["slot__starts_at"],
            },
        ),
        migrations.CreateModel(
            name="InterviewInvitation",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("invited_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "booking",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="invitations",
                        to="applications.interviewbooking",
                    ),
                ),
                (
                    "candidacy",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="interview_invitations",
                        to="applications.candidacy",
                    ),
                ),
            ],
            options={
                "ordering": ["invited_at"],
            },
        ),
        migrations.CreateModel(
            name="Consensus",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("text", models.TextField(verbose_name="合議の所見 Consensus")),
                (
                    "recommendation",
                    models.CharField(
                        choices=[
                            ("select", "Select (採用)"),
                            ("reserve", "Keep as a reserve (補欠)"),
                            ("not_select", "Do not select (不採用)"),
                        ],
                        max_length=12,
                        verbose_name="推薦 Recommendation",
                    ),
                ),
                ("rank", models.PositiveSmallIntegerField(blank=True, null=True, verbose_name="順位 Rank")),
                ("recorded_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "recorded_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL
                    ),
                ),
                (
                    "invitation",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="consensus",
                        to="applications.interviewinvitation",
                    ),
                ),
            ],
            options={
                "verbose_name": "合議 Consensus",
            },
        ),
        migrations.CreateModel(
            name="InterviewRound",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("opened_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "length_minutes",
                    models.PositiveSmallIntegerField(default=30, verbose_name="面接時間（分） Length (minutes)"),
                ),
                (
                    "mode",
                    models.CharField(
                        choices=[("online", "Online (video link per slot)"), ("in_person", "In person")],
                        default="online",
                        max_length=10,
                        verbose_name="形式 Mode",
                    ),
                ),
                (
                    "place",
                    models.CharField(
                        blank=True, help_text="In person only.", max_length=200, verbose_name="場所 Place"
                    ),
                ),
                (
                    "cutoff_hours",
                    models.PositiveSmallIntegerField(
                        default=24,
                        help_text="Until how many hours before the slot the applicant may cancel or move it.",
                        verbose_name="変更締切（時間前） Cut-off (hours before)",
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[("open", "Open for booking"), ("closed", "Closed"), ("cancelled", "Cancelled")],
                        db_index=True,
                        default="open",
                        max_length=10,
                    ),
                ),
                ("closed_at", models.DateTimeField(blank=True, null=True)),
                ("cancelled_at", models.DateTimeField(blank=True, null=True)),
                (
                    "opened_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL
                    ),
                ),
                (
                    "panel",
                    models.ManyToManyField(blank=True, related_name="interview_panels", to=settings.AUTH_USER_MODEL),
                ),
                (
                    "role",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="interview_rounds",
                        to="recruitment.rolepage",
                    ),
                ),
            ],
            options={
                "ordering": ["-opened_at"],
            },
        ),
        migrations.AddField(
            model_name="interviewinvitation",
            name="round",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="invitations",
                to="applications.interviewround",
            ),
        ),
        migrations.CreateModel(
            name="InterviewSlot",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("starts_at", models.DateTimeField(verbose_name="開始 Starts at")),
                ("capacity", models.PositiveSmallIntegerField(default=1, verbose_name="定員 Seats")),
                ("booked", models.PositiveSmallIntegerField(default=0, editable=False)),
                ("video_url", models.URLField(blank=True, verbose_name="ビデオ会議URL Video link")),
                (
                    "round",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="slots",
                        to="applications.interviewround",
                    ),
                ),
            ],
            options={
                "ordering": ["starts_at"],
            },
        ),
        migrations.AddField(
            model_name="interviewbooking",
            name="slot",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="bookings", to="applications.interviewslot"
            ),
        ),
        migrations.CreateModel(
            name="MessageTemplate",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "kind",
                    models.CharField(
                        choices=applications.mail.catalogue.applicant_kind_choices,
                        db_index=True,
                        max_length=30,
                        verbose_name="種類 Kind",
                    ),
                ),
                (
                    "language",
                    models.CharField(
                        choices=[("ja", "日本語"), ("en", "English")],
                        default="ja",
                        max_length=5,
                        verbose_name="言語 Language",
                    ),
                ),
                ("subject", models.CharField(max_length=200, verbose_name="件名 Subject")),
                (
                    "body",
                    models.TextField(
                        help_text="{reference} のような差し込み項目が使えます(種類ごとに使える項目は下の一覧)。波かっこそのものは {{ と }} と書きます。",
                        verbose_name="本文 Body",
                    ),
                ),
                ("updated_at", models.DateTimeField(auto_now=True)),
            ],
            options={
                "verbose_name": "メールの文面 Message wording",
                "verbose_name_plural": "メールの文面 Message wording",
                "constraints": [
                    models.UniqueConstraint(fields=("kind", "language"), name="one_wording_per_kind_and_language")
                ],
            },
            bases=(wagtail.models.preview.PreviewableMixin, models.Model),
        ),
        migrations.CreateModel(
            name="Note",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("text", models.TextField()),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "author",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL
                    ),
                ),
                (
                    "candidacy",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="notes", to="applications.candidacy"
                    ),
                ),
            ],
            options={
                "ordering": ["created_at"],
            },
        ),
        migrations.CreateModel(
            name="OrganisationMember",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "role",
                    models.CharField(
                        choices=[("editor", "Editor"), ("approver", "Approver"), ("official", "Official")],
                        default="official",
                        max_length=10,
                        verbose_name="役割 Role",
                    ),
                ),
                (
                    "organisation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="members",
                        to="recruitment.organisation",
                        verbose_name="団体 Organisation",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="organisation_memberships",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="ユーザー User",
                    ),
                ),
            ],
            options={
                "verbose_name": "団体の職員 Organisation member",
                "verbose_name_plural": "団体の職員 Organisation members",
            },
        ),
        migrations.CreateModel(
            name="OutboxEmail",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("key", models.CharField(max_length=200, unique=True)),
                ("to", models.EmailField(max_length=254)),
                ("subject", models.CharField(max_length=200)),
                ("body", models.TextField()),
                ("html_body", models.TextField(blank=True)),
                ("calendar", models.TextField(blank=True)),
                ("kind", models.CharField(max_length=30)),
                ("language", models.CharField(default="ja", max_length=5)),
                ("from_name", models.CharField(blank=True, default="", max_length=100)),
                ("reply_to", models.EmailField(blank=True, default="", max_length=254)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("sent_at", models.DateTimeField(blank=True, null=True)),
                ("attempts", models.PositiveSmallIntegerField(default=0)),
                ("last_error", models.TextField(blank=True)),
                ("claimed_at", models.DateTimeField(blank=True, null=True)),
                ("interrupted", models.PositiveSmallIntegerField(default=0)),
            ],
            options={
                "verbose_name": "送信待ちメール Outbox email",
                "indexes": [models.Index(fields=["sent_at", "created_at"], name="application_sent_at_5b6572_idx")],
            },
        ),
        migrations.CreateModel(
            name="Review",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "rubric",
                    models.JSONField(help_text="The criteria (name, weight, max_score) as they were when reviewed."),
                ),
                (
                    "scores",
                    models.JSONField(
                        help_text="One whole number per criterion, in rubric order; null = not applicable."
                    ),
                ),
                ("comment", models.TextField(blank=True)),
                (
                    "recommendation",
                    models.CharField(
                        choices=[("yes", "Recommend"), ("maybe", "Undecided"), ("no", "Do not recommend")],
                        max_length=10,
                    ),
                ),
                ("submitted_at", models.DateTimeField()),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("voided_at", models.DateTimeField(blank=True, null=True, verbose_name="無効化日時 Voided at")),
                (
                    "candidacy",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="reviews", to="applications.candidacy"
                    ),
                ),
                (
                    "reviewer",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="screening_reviews",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "審査 Review",
            },
        ),
        migrations.CreateModel(
            name="Scorecard",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "rubric",
                    models.JSONField(
                        help_text="The interview criteria (name, weight, max_score) as they were when scored."
                    ),
                ),
                (
                    "scores",
                    models.JSONField(
                        help_text="One whole number per criterion, in rubric order; null = not applicable."
                    ),
                ),
                ("comment", models.TextField(blank=True)),
                (
                    "recommendation",
                    models.CharField(
                        choices=[
                            ("select", "Select (採用)"),
                            ("reserve", "Keep as a reserve (補欠)"),
                            ("not_select", "Do not select (不採用)"),
                        ],
                        max_length=12,
                    ),
                ),
                ("submitted_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "invitation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="scorecards",
                        to="applications.interviewinvitation",
                    ),
                ),
                (
                    "panelist",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="scorecards",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "面接評価票 Scorecard",
                "ordering": ["submitted_at", "pk"],
            },
        ),
        migrations.CreateModel(
            name="Shortlist",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("draft", "Being prepared"),
                            ("submitted", "Submitted to the city"),
                            ("returned", "Returned with comments"),
                            ("approved", "Approved"),
                        ],
                        default="draft",
                        max_length=20,
                    ),
                ),
                ("submitted_at", models.DateTimeField(blank=True, null=True)),
                ("decided_at", models.DateTimeField(blank=True, null=True)),
                ("comment", models.TextField(blank=True)),
                ("approvals", models.PositiveSmallIntegerField(default=0, editable=False)),
                (
                    "decided_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "role",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE, related_name="shortlist", to="recruitment.rolepage"
                    ),
                ),
                (
                    "submitted_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "候補者リスト Shortlist",
            },
        ),
        migrations.CreateModel(
            name="ScreeningOutcome",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("approval", models.PositiveSmallIntegerField()),
                (
                    "outcome",
                    models.CharField(
                        choices=[("passed", "Passed the document screening"), ("not_passed", "Not passed")],
                        max_length=12,
                    ),
                ),
                ("notice", models.CharField(blank=True, max_length=30)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "candidacy",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="screening_outcomes",
                        to="applications.candidacy",
                    ),
                ),
                (
                    "shortlist",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="outcomes",
                        to="applications.shortlist",
                    ),
                ),
            ],
            options={
                "verbose_name": "書類選考の結果 Screening outcome",
            },
        ),
        migrations.CreateModel(
            name="SubmissionContext",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "device",
                    models.CharField(
                        choices=[
                            ("phone", "Smartphone"),
                            ("tablet", "Tablet"),
                            ("desktop", "Computer"),
                            ("unknown", "Not known"),
                        ],
                        default="unknown",
                        max_length=10,
                    ),
                ),
                (
                    "application",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="applications.application"
                    ),
                ),
            ],
            options={
                "verbose_name": "送信環境 Submission context",
            },
        ),
        migrations.CreateModel(
            name="SurveyAnswer",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "age_band",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("under20", "Under 20"),
                            ("20s", "20s"),
                            ("30s", "30s"),
                            ("40s", "40s"),
                            ("50s", "50s"),
                            ("60s", "60s"),
                            ("70plus", "70 or over"),
                        ],
                        max_length=10,
                    ),
                ),
                (
                    "occupation",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("employee", "Company employee"),
                            ("public", "Public servant"),
                            ("executive", "Company director or owner"),
                            ("freelance", "Self-employed or freelance"),
                            ("student", "Student"),
                            ("other", "Other"),
                        ],
                        max_length=12,
                    ),
                ),
                (
                    "heard_via",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("city_site", "The city's website"),
                            ("city_sns", "The city's social media"),
                            ("job_site", "A job or side-job website"),
                            ("news", "News (paper, TV, online)"),
                            ("acquaintance", "A friend or colleague"),
                            ("other", "Other"),
                        ],
                        max_length=12,
                    ),
                ),
                ("answered_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "application",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="applications.application"
                    ),
                ),
                (
                    "call",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="recruitment.callpage"
                    ),
                ),
            ],
            options={
                "verbose_name": "任意アンケート Optional survey",
            },
        ),
        migrations.CreateModel(
            name="Assignment",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "starts_on",
                    models.DateField(
                        blank=True, help_text="空欄なら今日から。", null=True, verbose_name="開始日 Starts on"
                    ),
                ),
                (
                    "ends_on",
                    models.DateField(
                        blank=True,
                        help_text="空欄なら期限なし。この日まで見られます。",
                        null=True,
                        verbose_name="終了日 Ends on",
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "call",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="screening_assignments",
                        to="recruitment.callpage",
                        verbose_name="募集 Call",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="screening_assignments",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="受託事業者 Contractor",
                    ),
                ),
            ],
            options={
                "verbose_name": "審査の担当 Assignment",
                "verbose_name_plural": "審査の担当 Assignments",
                "constraints": [
                    models.UniqueConstraint(fields=("user", "call"), name="one_assignment_per_user_and_call")
                ],
            },
        ),
        migrations.CreateModel(
            name="CallTally",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("dimension", models.CharField(max_length=20)),
                ("key", models.CharField(blank=True, max_length=40)),
                ("count", models.IntegerField(default=0)),
                ("people", models.IntegerField(default=0)),
                (
                    "call",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="recruitment.callpage"
                    ),
                ),
            ],
            options={
                "verbose_name": "集計 Tally",
                "constraints": [
                    models.UniqueConstraint(fields=("call", "dimension", "key"), name="one_tally_per_figure")
                ],
            },
        ),
        migrations.AddIndex(
            model_name="candidacy",
            index=models.Index(fields=["role", "status"], name="application_role_id_d106f9_idx"),
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
        migrations.AddConstraint(
            model_name="candidacy",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status", "withdrawn"), _negated=True),
                fields=("email_key", "role"),
                name="one_live_candidacy_per_email_and_role",
            ),
        ),
        migrations.AddConstraint(
            model_name="candidacy",
            constraint=models.UniqueConstraint(fields=("application", "rank"), name="one_rank_per_application"),
        ),
        migrations.AddIndex(
            model_name="auditentry",
            index=models.Index(fields=["call", "-timestamp"], name="audit_call_recent"),
        ),
        migrations.AddIndex(
            model_name="candidacymessage",
            index=models.Index(fields=["candidacy", "created_at"], name="message_thread"),
        ),
        migrations.AddConstraint(
            model_name="conflictofinterest",
            constraint=models.UniqueConstraint(fields=("user", "candidacy"), name="one_conflict_per_user"),
        ),
        migrations.AddConstraint(
            model_name="interviewround",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status", "cancelled"), _negated=True),
                fields=("role",),
                name="interviews_one_live_round_per_role",
            ),
        ),
        migrations.AddConstraint(
            model_name="interviewinvitation",
            constraint=models.UniqueConstraint(
                fields=("round", "candidacy"), name="interviews_one_invitation_per_round"
            ),
        ),
        migrations.AddConstraint(
            model_name="interviewslot",
            constraint=models.CheckConstraint(
                condition=models.Q(("booked__lte", models.F("capacity"))), name="interviews_slot_not_overbooked"
            ),
        ),
        migrations.AddConstraint(
            model_name="organisationmember",
            constraint=models.UniqueConstraint(fields=("user", "organisation"), name="one_membership_per_org"),
        ),
        migrations.AddConstraint(
            model_name="review",
            constraint=models.UniqueConstraint(fields=("candidacy", "reviewer"), name="one_review_per_reviewer"),
        ),
        migrations.AddConstraint(
            model_name="scorecard",
            constraint=models.UniqueConstraint(
                fields=("invitation", "panelist"), name="interviews_one_scorecard_per_panelist"
            ),
        ),
        migrations.AddIndex(
            model_name="screeningoutcome",
            index=models.Index(fields=["shortlist", "approval"], name="outcome_shortlist_approval"),
        ),
        migrations.AddConstraint(
            model_name="screeningoutcome",
            constraint=models.UniqueConstraint(fields=("candidacy", "approval"), name="one_outcome_per_approval"),
        ),
    ]
