"""Kinds of the document screening: its result (and a correction), the wait, and the staff's deadline digest and
shortlist events."""

from __future__ import annotations

from datetime import timedelta

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from applications.mail.kinds.base import APPROVERS, CONTRACTORS, Kind

#: A deadline digest is sent for roles that closed at most this long ago (a beat that was down catches up).
DIGEST_LOOKBACK = timedelta(days=7)


def _shortlist(
    label: str, event: str, subject: Promise, body: Promise, *, to: tuple[str, ...] = (CONTRACTORS,)
) -> Kind:
    """A kind of a shortlist ``event`` to staff (by default the call's contractors), written in its transaction."""
    return Kind(
        label=label,
        to=to,
        trigger="staff.shortlist_notify",
        when=f"in the transaction of the shortlist's {event}",
        subject=subject,
        body=body,
        placeholders=("scope", "actor", "comment", "dashboard_link"),
    )


KINDS: dict[str, Kind] = {
    "screening_passed": Kind(
        label="書類選考通過 Passed document screening",
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
    "shortlist_submitted": _shortlist(
        "候補者リストの提出 Shortlist submitted",
        "submission",
        _("Shortlist submitted for approval: {scope}"),
        _("{actor} submitted the shortlist of {scope} for your approval.\n\nOpen it:\n{dashboard_link}"),
        to=(APPROVERS,),
    ),
    "shortlist_approved": _shortlist(
        "候補者リストの承認 Shortlist approved",
        "approval",
        _("Shortlist approved: {scope}"),
        _(
            "{actor} approved the shortlist of {scope}. The applicants are told the result of the "
            "document screening.\n\n{dashboard_link}"
        ),
    ),
    "shortlist_returned": _shortlist(
        "候補者リストの差し戻し Shortlist returned",
        "return",
        _("Shortlist returned: {scope}"),
        _("{actor} returned the shortlist of {scope} with this comment:\n\n{comment}\n\n{dashboard_link}"),
    ),
    "shortlist_reopened": _shortlist(
        "候補者リストの再開 Shortlist reopened",
        "reopening",
        _("Shortlist reopened: {scope}"),
        _("{actor} reopened the shortlist of {scope}:\n\n{comment}\n\n{dashboard_link}"),
    ),
}

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
