"""Kinds of the final decision: selected, not selected, reserve, promoted from the reserve, offer declined."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from applications.mail.kinds.base import Kind

#: The ``{reason}`` of a decision, when the city chooses to share its reason (else empty).
SHARED_REASON = _("\n\nThe reason for this decision: {reason}")
#: The ``{decline}`` of a selection: how to decline the offer from the manage link.
DECLINE_HINT = _(
    "\n\nIf you can no longer take up the role, please tell us from your application's page "
    "(the link in your first email): the place then goes to the next person."
)

KINDS: dict[str, Kind] = {
    "decision_selected": Kind(
        label="採用 Selected",
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
}
