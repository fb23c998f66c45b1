"""Bookings carry their calendar event's identity (UID, SEQUENCE, moved_at); the outbox carries a text/calendar part."""

import uuid

from django.db import migrations, models


def give_uids(apps, schema_editor):
    InterviewBooking = apps.get_model("applications", "InterviewBooking")
    for booking in InterviewBooking.objects.filter(uid__isnull=True).only("pk"):
        InterviewBooking.objects.filter(pk=booking.pk).update(uid=uuid.uuid4())


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0013_interview_rounds"),
    ]

    operations = [
        migrations.AddField(
            model_name="interviewbooking",
            name="uid",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.RunPython(give_uids, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="interviewbooking",
            name="uid",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
        migrations.AddField(
            model_name="interviewbooking",
            name="sequence",
            field=models.PositiveSmallIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="interviewbooking",
            name="moved_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="outboxemail",
            name="calendar",
            field=models.TextField(blank=True),
        ),
        migrations.AlterField(
            model_name="messagetemplate",
            name="kind",
            field=models.CharField(
                choices=[
                    ("confirmation", "受付確認 Application received"),
                    ("draft_link", "下書きのリンク Draft link"),
                    ("email_code", "確認コード Confirmation code"),
                    ("manage_link", "応募内容の確認リンクの再送 Manage link sent again"),
                    ("draft_reminder", "下書きのリマインダー Draft reminder"),
                    ("withdrawal", "辞退の確認 Withdrawal"),
                    ("duplicate", "重複応募のお知らせ Applied again with the same address"),
                    ("screening_passed", "書類選考通過 Passed document screening"),
                    ("screening_result", "書類選考結果 Document screening result"),
                    ("screening_correction", "書類選考結果の訂正 Correction of the screening result"),
                    ("still_reviewing", "選考中のお知らせ Still reviewing"),
                    ("decision_selected", "採用 Selected"),
                    ("decision_not_selected", "不採用 Not selected"),
                    ("interview_invitation", "面接のご案内 Interview invitation"),
                    ("interview_booked", "面接の予約確認 Interview booked"),
                    ("interview_moved", "面接日時の変更 Interview moved"),
                    ("interview_cancelled", "面接予約の取消し Interview booking cancelled"),
                    ("interview_reminder", "面接のリマインダー Interview reminder"),
                    ("interview_round_cancelled", "面接の中止 Interviews cancelled"),
                    ("erasure_done", "データ削除の確認 Data erased"),
                ],
                db_index=True,
                max_length=30,
                verbose_name="種類 Kind",
            ),
        ),
    ]
