"""Kinds of the receipt and the application's own links: received, the link again, withdrawn, applied again,
erased (and the approvers' erasure request after a decision)."""

from __future__ import annotations

from datetime import timedelta

from django.utils.translation import gettext_lazy as _

from applications.mail.kinds.base import APPROVERS, Kind

#: At most one "someone applied again with your address" email per address in this time.
DUPLICATE_NOTICE_INTERVAL = timedelta(hours=1)

KINDS: dict[str, Kind] = {
    "confirmation": Kind(
        label="受付確認 Application received",
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
    "manage_link": Kind(
        label="応募内容の確認リンクの再送 Manage link sent again",
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
    "withdrawal": Kind(
        label="辞退の確認 Withdrawal",
        trigger="applicant.withdrawal_send",
        when="in the withdrawal's transaction (``candidacy_withdraw``)",
        subject=_("Withdrawal received ({reference})"),
        body=_("We have withdrawn your application for these roles:\n{roles}\n\nReference number: {reference}"),
        placeholders=("reference", "call", "roles"),
    ),
    "duplicate": Kind(
        label="重複応募のお知らせ Applied again with the same address",
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
    "erasure_done": Kind(
        label="データ削除の確認 Data erased",
        trigger="applicant.erasure_done_send",
        when="in the erasure's transaction, before the address itself is erased",
        subject=_("Your data has been erased ({reference})"),
        body=_(
            "As you asked, we have withdrawn your application to “{call}” and erased your name, contact details, "
            "answers and files. Only anonymous counts remain.\n\nReference number: {reference}"
        ),
        placeholders=("reference", "call"),
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
