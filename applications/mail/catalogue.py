"""Every kind of email: who receives it, when it is sent, its wording and its placeholders.

One entry per kind in :data:`KINDS`, read in one place: the label editors see, the recipients
(the applicant, or staff of the call: its contractors, its city's approvers), the trigger that
writes it (a function of :mod:`applications.mail.triggers`, named relative to that package), the
beat entry that runs it when it is scheduled (``CELERY_BEAT_SCHEDULE`` in ``portal/settings``),
when it goes out, and its default subject and body (translated through ``locale/``). The timings
of the scheduled kinds are the constants below. City editors may override the wording of
applicant messages per language with a ``MessageTemplate`` snippet, checked on save against the
placeholders of its kind. Rendering (wording, links, HTML) is :mod:`applications.mail.rendering`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.utils.translation import gettext_lazy as _

#: Recipients: the applicant (at the address they applied with), and staff of the call's city.
APPLICANT = "applicant"
CONTRACTORS = "contractors"  # the call's active screening contractors (they submit its shortlists)
APPROVERS = "approvers"  # the active approvers of the call's city (they approve and decide)
STAFF = (CONTRACTORS, APPROVERS)

# --- when: the timings of the scheduled and throttled kinds ------------------------------------------

#: Reminders before the earliest chosen role of a draft closes, latest first: (window name, time before).
REMINDER_WINDOWS: list[tuple[str, timedelta]] = [("24h", timedelta(hours=24)), ("72h", timedelta(hours=72))]
#: A deadline digest is sent for roles that closed at most this long ago (a beat that was down catches up).
DIGEST_LOOKBACK = timedelta(days=7)
#: At most one "someone applied again with your address" email per address in this time.
DUPLICATE_NOTICE_INTERVAL = timedelta(hours=1)
#: An interview's reminder goes out this long before it starts (once per booking and slot); a booking
#: made or moved later than that is not reminded (its confirmation has just gone out).
INTERVIEW_REMINDER_BEFORE = timedelta(hours=24)


@dataclass(frozen=True)
class Kind:
    """One kind of email: who receives it, what writes it and when, its default wording and placeholders."""

    label: str
    to: tuple[str, ...]
    trigger: str
    when: str
    subject: str
    body: str
    placeholders: tuple[str, ...]
    #: The ``CELERY_BEAT_SCHEDULE`` entry that runs the trigger; empty when a change causes it.
    beat: str = ""

    @property
    def to_applicant(self) -> bool:
        """Sent to the applicant (its wording is editable in the admin)."""
        return APPLICANT in self.to


KINDS: dict[str, Kind] = {
    # --- to applicants (editable in the admin) -------------------------------------------------
    "confirmation": Kind(
        label="受付確認 Application received",
        to=(APPLICANT,),
        trigger="applicant.confirmation_send",
        when="on submitting, in the submission's transaction (``application_submit``)",
        subject=_("Application received ({reference})"),
        body=_(
            "Dear {name},\n\nThank you for your application. We have received it.\n\n"
            "Reference number: {reference}\nCall: {call}\nRoles:\n{roles}\n\n"
            "To see your application, withdraw it or ask us to erase your data, open:\n{manage_link}\n\n"
            "Keep this email: the link above is the only way to manage your application."
        ),
        placeholders=("name", "reference", "call", "roles", "manage_link"),
    ),
    "draft_link": Kind(
        label="下書きのリンク Draft link",
        to=(APPLICANT,),
        trigger="applicant.draft_link_send",
        when="when the applicant saves a draft to finish later; each new link is its own message",
        subject=_("Your saved application: link to continue"),
        body=_(
            "You saved an application to “{call}” to finish later. Open this link to continue where you stopped:\n\n"
            "{link}\n\nThe link works until the roles you chose close, and for 30 days at most. "
            "If you did not ask for it, ignore this email."
        ),
        placeholders=("call", "link"),
    ),
    "email_code": Kind(
        label="確認コード Confirmation code",
        to=(APPLICANT,),
        trigger="applicant.email_code_send",
        when="when the verify step sends a code, before the address is proven (so no text the applicant typed)",
        subject=_("{code} is your confirmation code"),
        body=_(
            "Your confirmation code for an application to “{call}”:\n\n{code}\n\n"
            "Type it in the application form. It works for {minutes} minutes. "
            "If you did not start an application, ignore this email: nothing is sent without this code."
        ),
        placeholders=("code", "call", "minutes"),
    ),
    "manage_link": Kind(
        label="応募内容の確認リンクの再送 Manage link sent again",
        to=(APPLICANT,),
        trigger="applicant.manage_link_send",
        when='asked for on the "send me my link again" page, to the address that applied',
        subject=_("Your link to your application ({reference})"),
        body=_(
            "You asked for a new link to your application.\n\nReference number: {reference}\nCall: {call}\n\n"
            "To see your application, withdraw it or ask us to erase your data, open this link "
            "(it works for {days} days):\n{manage_link}\n\nIf you did not ask for it, you need do nothing."
        ),
        placeholders=("reference", "call", "days", "manage_link"),
    ),
    "draft_reminder": Kind(
        label="下書きのリマインダー Draft reminder",
        to=(APPLICANT,),
        trigger="applicant.reminders_send",
        beat="send-draft-reminders",
        when="each of :data:`REMINDER_WINDOWS` before the earliest chosen open role of a draft with an email closes",
        subject=_("Your application to “{call}” is not sent yet"),
        body=_(
            "Your application to “{call}” is saved but not sent yet.\n\n"
            "The first role you chose, “{role}”, closes on {deadline} (in {time_left}). "
            "Applications not sent by then cannot be accepted.\n\n"
            "To continue, open the link in the email “Your saved application: link to continue”, "
            "or start from the call's page:\n{call_link}"
        ),
        # {hours}: whole hours left, kept for wordings written before {time_left} (which says minutes under an hour).
        placeholders=("call", "role", "deadline", "time_left", "hours", "call_link"),
    ),
    "withdrawal": Kind(
        label="辞退の確認 Withdrawal",
        to=(APPLICANT,),
        trigger="applicant.withdrawal_send",
        when="in the withdrawal's transaction (``candidacy_withdraw``)",
        subject=_("Withdrawal received ({reference})"),
        body=_("We have withdrawn your application for these roles:\n{roles}\n\nReference number: {reference}"),
        placeholders=("reference", "call", "roles"),
    ),
    "duplicate": Kind(
        label="重複応募のお知らせ Applied again with the same address",
        to=(APPLICANT,),
        trigger="applicant.duplicate_attempts_send",
        when="when someone applies again with the address for a role it holds; "
        "at most once per :data:`DUPLICATE_NOTICE_INTERVAL`",
        subject=_("Someone applied again with your email address ({reference})"),
        body=_(
            "Someone applied again with this email address for a role you have already applied for. "
            "Only one application per email address and role is accepted, so the new one was not accepted. "
            "Your application is unchanged.\n\nReference number: {reference}\nCall: {call}\nRoles:\n{roles}\n\n"
            "To see your application or withdraw it before a decision, open this link (it works for 7 days):\n"
            "{manage_link}\n\nIf it was you and you want to send different answers, withdraw the earlier "
            "application for that role with the link above, then apply again. If it was not you, you need do nothing."
        ),
        placeholders=("reference", "call", "roles", "manage_link"),
    ),
    "screening_passed": Kind(
        label="書類選考通過 Passed document screening",
        to=(APPLICANT,),
        trigger="results.screening_results_send",
        when="in the shortlist approval's transaction, once per candidacy, if its status is one of ``results.PASSED``",
        subject=_("Result of document screening ({reference})"),
        body=_(
            "Dear {name},\n\nThank you for applying for “{role}” ({call}). "
            "We are pleased to tell you that you have passed the document screening.\n\n"
            "Next steps: the city will contact you by email about an online interview. "
            "The selection process is described on the call's page:\n{call_link}\n\n"
            "Reference number: {reference}"
        ),
        placeholders=("name", "reference", "call", "role", "call_link"),
    ),
    "screening_result": Kind(
        label="書類選考結果 Document screening result",
        to=(APPLICANT,),
        trigger="results.screening_results_send",
        when="in the shortlist approval's transaction, once per candidacy, if not passed",
        subject=_("Result of document screening ({reference})"),
        body=_(
            "Dear {name},\n\nThank you very much for applying for “{role}” ({call}) "
            "and for the time you gave to your application. We received many strong applications, "
            "and we are sorry to tell you that you have not been selected for the next stage this time.\n\n"
            "We hope you will consider our future calls.\n\nReference number: {reference}"
        ),
        placeholders=("name", "reference", "call", "role"),
    ),
    "screening_correction": Kind(
        label="書類選考結果の訂正 Correction of the screening result",
        to=(APPLICANT,),
        trigger="results.screening_results_send",
        when="at a later approval (after a reopening) that tells a candidacy the other outcome",
        subject=_("Correction: result of document screening ({reference})"),
        body=_(
            "Dear {name},\n\nThank you for applying for “{role}” ({call}). "
            "We must correct the result of the document screening we sent you earlier, "
            "and we sincerely apologise for the confusion.\n\n{result}\n\n"
            "We apologise once more for the trouble this has caused you.\n\nReference number: {reference}"
        ),
        placeholders=("name", "reference", "call", "role", "result", "call_link"),
    ),
    "still_reviewing": Kind(
        label="選考中のお知らせ Still reviewing",
        to=(APPLICANT,),
        trigger="results.still_reviewing_send",
        beat="send-deadline-notices",
        when="the call's ``still_reviewing_days`` (21 by default) after the role closed, while it has no result",
        subject=_("Your application is still being reviewed ({reference})"),
        body=_(
            "Dear {name},\n\nApplications for “{role}” ({call}) closed {days} days ago. "
            "We are still reviewing them and have not forgotten yours. "
            "We will email you the result of the document screening as soon as it is decided.\n\n"
            "Reference number: {reference}"
        ),
        placeholders=("name", "reference", "call", "role", "days"),
    ),
    "decision_selected": Kind(
        label="採用 Selected",
        to=(APPLICANT,),
        trigger="results.decision_send",
        when="in the decision's transaction (``candidacy_transition`` to selected; ``interviews.decisions``)",
        subject=_("Result of your application ({reference})"),
        body=_(
            "Dear {name},\n\nWe are pleased to tell you that you have been selected for “{role}”.\n\n"
            "Reference number: {reference}\nThe city will contact you about the contract and the start of work."
            "{reason}{decline}"
        ),
        placeholders=("name", "reference", "call", "role", "reason", "decline"),
    ),
    "decision_not_selected": Kind(
        label="不採用 Not selected",
        to=(APPLICANT,),
        trigger="results.decision_send",
        when="in the decision's transaction (``candidacy_transition`` to not selected, also from the reserve list)",
        subject=_("Result of your application ({reference})"),
        body=_(
            "Dear {name},\n\nThank you for applying for “{role}”. After careful consideration, "
            "we are sorry to tell you that you have not been selected this time.\n\n"
            "Reference number: {reference}{reason}"
        ),
        placeholders=("name", "reference", "call", "role", "reason"),
    ),
    "decision_reserve": Kind(
        label="補欠 Reserve",
        to=(APPLICANT,),
        trigger="results.decision_send",
        when="in the decision's transaction (``interviews.decisions.final_decision`` with 補欠)",
        subject=_("Result of your application ({reference})"),
        body=_(
            "Dear {name},\n\nThank you for applying for “{role}” ({call}) and for taking part in "
            "the interview. We were glad to meet you. All the places have been filled for now, and we would "
            "like to keep you on our reserve list: if a place becomes free, we will offer it to you by email.\n\n"
            "You need do nothing now.\n\nReference number: {reference}{reason}"
        ),
        placeholders=("name", "reference", "call", "role", "reason"),
    ),
    "decision_promoted": Kind(
        label="補欠からの採用 Selected from the reserve list",
        to=(APPLICANT,),
        trigger="results.decision_send",
        when="when a hire declines and this reserve is the first on the list (``interviews.decisions.hire_decline``)",
        subject=_("Good news about your application ({reference})"),
        body=_(
            "Dear {name},\n\nThank you for waiting. A place for “{role}” ({call}) has become free, "
            "and we are pleased to tell you that you have been selected.\n\n"
            "Reference number: {reference}\nThe city will contact you about the contract and the start of work."
            "{decline}"
        ),
        placeholders=("name", "reference", "call", "role", "decline"),
    ),
    "decision_declined": Kind(
        label="採用辞退の確認 Offer declined",
        to=(APPLICANT,),
        trigger="results.decision_send",
        when="when a hire's decline is recorded (``interviews.decisions.hire_decline``)",
        subject=_("We have received your reply ({reference})"),
        body=_(
            "Dear {name},\n\nWe have recorded that you will not take up the role “{role}” ({call}). "
            "Thank you for letting us know, and for the time you gave to our selection. "
            "We hope to hear from you again in a future call.\n\nReference number: {reference}"
        ),
        placeholders=("name", "reference", "call", "role"),
    ),
    "interview_invitation": Kind(
        label="面接のご案内 Interview invitation",
        to=(APPLICANT,),
        trigger="interviews.invitations_send",
        when="in the transaction that opens a role's interview round (``interview_round_open``), once per invitation",
        subject=_("Please book your interview ({reference})"),
        body=_(
            "Dear {name},\n\nThank you for applying for “{role}” ({call}). "
            "We would like to meet you in an interview of {length} minutes.\n\n"
            "Please choose a time that suits you on this page (times are in Japan time):\n{booking_link}\n\n"
            "You can change or cancel your booking there until {cutoff_hours} hours before the interview. "
            "If you need extra time, captions, sign language or anything else, you can tell us when you book.\n\n"
            "Reference number: {reference}"
        ),
        placeholders=("name", "reference", "call", "role", "length", "cutoff_hours", "booking_link"),
    ),
    "interview_booked": Kind(
        label="面接の予約確認 Interview booked",
        to=(APPLICANT,),
        trigger="interviews.booking_confirmation_send",
        when="in the booking's transaction (``interview_book``), with the calendar invitation (.ics)",
        subject=_("Your interview is booked: {when} ({reference})"),
        body=_(
            "Dear {name},\n\nYour interview for {roles} ({call}) is booked.\n\n"
            "When: {when} (Japan time), {length} minutes\nWhere: {where}\n\n"
            "The attached calendar file adds it to your calendar. To change or cancel it "
            "(until {cutoff_hours} hours before), open:\n{booking_link}\n\nReference number: {reference}"
        ),
        placeholders=("name", "reference", "call", "roles", "when", "length", "where", "cutoff_hours", "booking_link"),
    ),
    "interview_moved": Kind(
        label="面接日時の変更 Interview moved",
        to=(APPLICANT,),
        trigger="interviews.booking_confirmation_send",
        when="in the move's transaction (``interview_booking_move``), with the updated calendar invitation",
        subject=_("Your interview has moved to {when} ({reference})"),
        body=_(
            "Dear {name},\n\nAs you asked, your interview for {roles} ({call}) has moved.\n\n"
            "New time: {when} (Japan time), {length} minutes\nWhere: {where}\n\n"
            "The attached calendar file updates the event in your calendar. To change or cancel it "
            "(until {cutoff_hours} hours before), open:\n{booking_link}\n\nReference number: {reference}"
        ),
        placeholders=("name", "reference", "call", "roles", "when", "length", "where", "cutoff_hours", "booking_link"),
    ),
    "interview_cancelled": Kind(
        label="面接予約の取消し Interview booking cancelled",
        to=(APPLICANT,),
        trigger="interviews.booking_confirmation_send",
        when="in the cancellation's transaction (``interview_booking_cancel``), with the calendar cancellation",
        subject=_("Your interview booking is cancelled ({reference})"),
        body=_(
            "Dear {name},\n\nAs you asked, your interview for {roles} ({call}) on {when} "
            "is cancelled. The attached calendar file removes it from your calendar.\n\n"
            "While times are still free, you can book another one:\n{booking_link}\n\nReference number: {reference}"
        ),
        placeholders=("name", "reference", "call", "roles", "when", "booking_link"),
    ),
    "interview_reminder": Kind(
        label="面接のリマインダー Interview reminder",
        to=(APPLICANT,),
        trigger="interviews.interview_reminders_send",
        beat="send-interview-reminders",
        when=":data:`INTERVIEW_REMINDER_BEFORE` before the booked interview, once per booking and slot",
        subject=_("Reminder: your interview {when} ({reference})"),
        body=_(
            "Dear {name},\n\nThis is a reminder of your interview for {roles} ({call}).\n\n"
            "When: {when} (Japan time), {length} minutes\nWhere: {where}\n\n"
            "Your booking:\n{booking_link}\n\nReference number: {reference}"
        ),
        placeholders=("name", "reference", "call", "roles", "when", "length", "where", "booking_link"),
    ),
    "interview_round_cancelled": Kind(
        label="面接の中止 Interviews cancelled",
        to=(APPLICANT,),
        trigger="interviews.round_cancelled_send",
        when="in the transaction that reopens the role's shortlist (``shortlist_reopen``), once per invitation",
        subject=_("The interviews for “{role}” are cancelled for now ({reference})"),
        body=_(
            "Dear {name},\n\nThank you for applying for “{role}” ({call}). "
            "The city is reviewing the selection of this role again, so the interviews we invited you to "
            "are cancelled for now, together with any time you booked for this role. "
            "We sincerely apologise for the inconvenience.\n\n"
            "We will write to you again as soon as the review is finished.\n\nReference number: {reference}"
        ),
        placeholders=("name", "reference", "call", "role"),
    ),
    "message_waiting": Kind(
        label="メッセージのお知らせ A message is waiting",
        to=(APPLICANT,),
        trigger="messages.message_waiting_send",
        when="in the transaction of a message from the city's side (``messaging.message_send``), once per message; "
        "the mail never carries the message itself",
        subject=_("A message about your application ({reference})"),
        body=_(
            "Dear {name},\n\nThe selection team of “{call}” has sent you a message about your "
            "application for “{role}”. For your privacy, the message is not in this email: read it and answer "
            "on your application's page:\n{manage_link}\n\nThe link works for {days} days. After that, ask for a "
            "new one at:\n{request_link}\n\nReference number: {reference}"
        ),
        placeholders=("name", "reference", "call", "role", "manage_link", "days", "request_link"),
    ),
    "erasure_done": Kind(
        label="データ削除の確認 Data erased",
        to=(APPLICANT,),
        trigger="applicant.erasure_done_send",
        when="in the erasure's transaction, before the address itself is erased",
        subject=_("Your data has been erased ({reference})"),
        body=_(
            "As you asked, we have withdrawn your application to “{call}” and erased your name, contact details, "
            "answers and files. Only anonymous counts remain.\n\nReference number: {reference}"
        ),
        placeholders=("reference", "call"),
    ),
    # --- to staff (wording in code) ---------------------------------------------------------------
    "deadline_digest": Kind(
        label="締切のお知らせ Applications closed",
        to=(CONTRACTORS, APPROVERS),
        trigger="staff.deadline_digests_send",
        beat="send-deadline-notices",
        when="at the role's deadline (a beat that was down catches up for :data:`DIGEST_LOOKBACK`)",
        subject=_("Applications closed: {role} ({count})"),
        body=_(
            "Applications for “{role}” ({call}) closed at {deadline}.\n\n"
            "Applications received: {count}\n\nScreening dashboard:\n{dashboard_link}"
        ),
        placeholders=("role", "call", "deadline", "count", "dashboard_link"),
    ),
    "shortlist_submitted": Kind(
        label="候補者リストの提出 Shortlist submitted",
        to=(APPROVERS,),
        trigger="staff.shortlist_notify",
        when="in the transaction of the shortlist's submission",
        subject=_("Shortlist submitted for approval: {scope}"),
        body=_("{actor} submitted the shortlist of {scope} for your approval.\n\nOpen it:\n{dashboard_link}"),
        placeholders=("scope", "actor", "comment", "dashboard_link"),
    ),
    "shortlist_approved": Kind(
        label="候補者リストの承認 Shortlist approved",
        to=(CONTRACTORS,),
        trigger="staff.shortlist_notify",
        when="in the transaction of the shortlist's approval",
        subject=_("Shortlist approved: {scope}"),
        body=_(
            "{actor} approved the shortlist of {scope}. The applicants are told the result of the "
            "document screening.\n\n{dashboard_link}"
        ),
        placeholders=("scope", "actor", "comment", "dashboard_link"),
    ),
    "shortlist_returned": Kind(
        label="候補者リストの差し戻し Shortlist returned",
        to=(CONTRACTORS,),
        trigger="staff.shortlist_notify",
        when="in the transaction of the shortlist's return",
        subject=_("Shortlist returned: {scope}"),
        body=_("{actor} returned the shortlist of {scope} with this comment:\n\n{comment}\n\n{dashboard_link}"),
        placeholders=("scope", "actor", "comment", "dashboard_link"),
    ),
    "shortlist_reopened": Kind(
        label="候補者リストの再開 Shortlist reopened",
        to=(CONTRACTORS,),
        trigger="staff.shortlist_notify",
        when="in the transaction of the shortlist's reopening",
        subject=_("Shortlist reopened: {scope}"),
        body=_("{actor} reopened the shortlist of {scope}:\n\n{comment}\n\n{dashboard_link}"),
        placeholders=("scope", "actor", "comment", "dashboard_link"),
    ),
    "message_answered": Kind(
        label="応募者からの返信 An applicant answered",
        to=(CONTRACTORS, APPROVERS),
        trigger="messages.message_answered_send",
        when="in the transaction of the applicant's answer (``messaging.message_answer``), once per answer, to "
        "those of the call's staff who wrote in the thread and may still write; no personal data in it",
        subject=_("An applicant answered: {candidate} ({role})"),
        body=_(
            "The applicant of candidacy {candidate} answered a message about “{role}” ({call}).\n\n"
            "Read it on the candidacy's page:\n{candidacy_link}"
        ),
        placeholders=("candidate", "role", "call", "candidacy_link"),
    ),
    "erasure_request": Kind(
        label="決定後の削除依頼 Erasure request after a decision",
        to=(APPROVERS,),
        trigger="staff.erasure_request_send",
        when="when the applicant asks for erasure after a decision (``application_erase``)",
        subject=_("Erasure request after a decision ({reference})"),
        body=_(
            "The applicant of {reference} ({call}) asked us to erase their data. A decision has already been "
            "made, so a city approver decides: erase it, or keep it for the retention period and tell them why.\n\n"
            "{erasure_link}"
        ),
        placeholders=("reference", "call", "erasure_link"),
    ),
}

#: The kinds sent to applicants, whose wording editors may change (``MessageTemplate``).
APPLICANT_KINDS = [name for name, kind in KINDS.items() if kind.to_applicant]

#: Values used by the admin preview of a message template.
SAMPLE = {
    "name": "神戸 太郎",
    "reference": "KOBE-7K3M9Q",
    "call": "広報分野の副業人材",
    "role": "Instagram記事の作成",
    "roles": "  1. Instagram記事の作成",
    "deadline": "2026年12月24日 17:00",
    "hours": "23",
    "time_left": "23時間以上",
    "days": "21",
    "count": "42",
    "actor": "approver",
    "scope": "Instagram記事の作成",
    "comment": "",
    "result": "選考をやり直した結果、書類選考は通過となりました。",
    "code": "428193",
    "minutes": "15",
    "length": "30",
    "cutoff_hours": "24",
    "when": "2026年12月21日(月) 10:00",
    "where": "https://meet.example.jp/kobo-interview",
    "reason": "",
    "decline": "",
}


#: The ``{reason}`` of a decision, when the city chooses to share its reason (else empty).
SHARED_REASON = _("\n\nThe reason for this decision: {reason}")
#: The ``{decline}`` of a selection: how to decline the offer from the manage link.
DECLINE_HINT = _(
    "\n\nIf you can no longer take up the role, please tell us from your application's page "
    "(the link in your first email): the place then goes to the next person."
)


#: The ``{result}`` of a correction (``screening_correction``): the outcome that is now right.
CORRECTED_RESULTS = {
    True: _(
        "After the screening was reviewed again, the correct result is that you have passed the document "
        "screening. The city will contact you by email about an online interview. The selection process is "
        "described on the call's page:\n{call_link}"
    ),
    False: _(
        "After the screening was reviewed again, we are very sorry to tell you that the correct result is that "
        "you have not been selected for the next stage this time. We regret that our earlier message raised "
        "your hopes, and we thank you sincerely for your application."
    ),
}
