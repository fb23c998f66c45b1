"""The screening audit log: who saw or changed applicants' personal data, and how its page names each action.

Kept apart from Wagtail's page history on purpose: only a city approver reads it, on the call's
screening audit page (``screening_audit``). Every view, list, download, export and change of
screening, exports and privacy writes its entry through :func:`audit`.
"""

from __future__ import annotations

from typing import Any

from applications.models import AuditEntry, Candidacy
from recruitment.models import CallPage

#: The screening audit log's actions and how the audit page names them.
AUDIT_ACTIONS = [
    ("kobo.candidacy.view", "応募内容の閲覧 Candidacy viewed"),
    ("kobo.candidacy.list", "候補の一覧の閲覧 Candidacy list viewed"),
    ("kobo.candidacy.status", "選考状況の変更 Status changed"),
    ("kobo.candidacy.review", "審査の記録 Review saved"),
    ("kobo.candidacy.note", "メモの追加 Note added"),
    ("kobo.candidacy.assign", "審査担当の割り当て Reviewer assigned"),
    ("kobo.candidacy.conflict", "利益相反の申告 Conflict of interest declared"),
    ("kobo.candidacy.review_changed", "審査の修正(理由つき) Review changed, with a reason"),
    ("kobo.attachment.download", "添付ファイルのダウンロード Attachment downloaded"),
    ("kobo.export", "出力 Export"),
    ("kobo.shortlist.submit", "候補者リストの提出 Shortlist submitted"),
    ("kobo.shortlist.approve", "候補者リストの承認 Shortlist approved"),
    ("kobo.shortlist.return", "候補者リストの差し戻し Shortlist returned"),
    ("kobo.shortlist.reopen", "承認済み候補者リストの再開 Approved shortlist reopened"),
    ("kobo.erasure.request", "削除の依頼(決定後) Erasure requested after a decision"),
    ("kobo.erasure.done", "応募者による削除 Erased by the applicant"),
    ("kobo.erasure.approved", "決定後の削除(承認者) Erased after a decision by an approver"),
    ("kobo.interview.open", "面接の日程の公開 Interview round opened"),
    ("kobo.interview.close", "面接の予約の締切 Interview round closed"),
    ("kobo.interview.cancel", "面接の中止(再開による) Interview round cancelled by a reopening"),
    ("kobo.interview.slots_add", "面接の時間帯の追加 Interview times added"),
    ("kobo.interview.bookings", "面接の予約一覧の閲覧 Interview bookings viewed"),  # entries before the one round page
    ("kobo.interview.book", "面接の予約(応募者) Interview booked by the applicant"),
    ("kobo.interview.move", "面接日時の変更(応募者) Interview moved by the applicant"),
    ("kobo.interview.booking_cancel", "面接予約の取消し(応募者) Interview booking cancelled by the applicant"),
    ("kobo.message.send", "応募者へのメッセージ Message sent to the applicant"),
    ("kobo.message.answer", "応募者からの返信 Applicant answered a message"),
    ("kobo.message.file", "返信の添付ファイルのダウンロード Answer file downloaded"),
    # --- the interview stage (applications.interviews) ---
    ("kobo.interview.list", "面接の一覧の閲覧 Interview round viewed"),
    ("kobo.interview.view", "面接評価の閲覧 Interview scorecards viewed"),
    ("kobo.interview.scorecard", "面接評価の記録 Scorecard saved"),
    ("kobo.interview.scorecard_changed", "面接評価の修正 Scorecard changed"),
    ("kobo.interview.consensus", "合議の記録 Consensus recorded"),
    ("kobo.interview.decisions_view", "最終決定の画面の閲覧 Decision page viewed"),
    ("kobo.interview.decision", "最終決定(理由つき) Final decision, with its reason"),
    ("kobo.interview.reserve_order", "補欠の順位 Reserve order set"),
    ("kobo.interview.declined", "採用の辞退 Offer declined"),
    ("kobo.interview.promoted", "補欠からの繰り上げ Reserve promoted"),
]

#: How the audit page names an action (an unknown one shows as itself).
ACTION_LABELS = dict(AUDIT_ACTIONS)


def audit(
    *,
    user: Any,
    action: str,
    call: CallPage,
    candidacy: Candidacy | None = None,
    rows: int | None = None,
    **detail: Any,
) -> AuditEntry:
    """Record who saw or changed personal data, in the screening audit log (not Wagtail's page history)."""
    return AuditEntry.objects.create(
        user=user if getattr(user, "pk", None) else None,
        action=action,
        call=call,
        candidacy=candidacy,
        rows=rows,
        data={"call_id": call.pk, **detail},
    )


def action_label(action: str) -> str:
    """The audit page's name for ``action``."""
    return ACTION_LABELS.get(action, action)
