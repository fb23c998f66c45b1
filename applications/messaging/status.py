"""The applicant's status page on the manage link: where each role of an application stands, from the facts.

Computed, never stored: each role's stage is read from what was recorded and told to the
applicant, never earlier than the mail that told them:

* **received** until the role closes or screening starts; **in review** after that, whatever the
  screeners decided inside (a shortlisted or rejected status is not a result until it is told);
* the **document screening result** once its notice was sent: the latest ``ScreeningOutcome``
  whose mail (``screening_passed``, ``screening_result`` or a correction) left the outbox;
* **invited** / **booked** / **interview held** from the live invitations and bookings of
  ``applications.interviews`` (slot time in Japan time, the video link or the place), with a
  link to the booking page (:func:`booking_link`);
* the **final result** (採用 selected, 補欠 reserve, not selected, in kind words) once the
  decision's mail was sent;
* **withdrawn** at once (the applicant did it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from applications.intake.selectors import answer_sections
from applications.messaging.selectors import thread_counts, unread_counts
from applications.models import Application, Candidacy, InterviewInvitation, InterviewRound, OutboxEmail
from applications.models import ScreeningOutcome as Outcome
from recruitment.formatting import format_japan_datetime

S = Candidacy.Status
#: The reserve status (補欠) of the final decision, where the decision work has added it to ``Candidacy.Status``.
RESERVE = "reserve"
FINAL = {S.SELECTED.value, S.NOT_SELECTED.value, RESERVE}

#: The stages of a role, in order, as the page's step list names them.
STEPS = [
    ("received", pgettext_lazy("applicant status", "Received")),
    ("screening", pgettext_lazy("applicant status", "Document screening")),
    ("interview", pgettext_lazy("applicant status", "Interview")),
    ("result", pgettext_lazy("applicant status", "Final result")),
]

#: Each state: (the step it stands at, headline, the plain sentence under it, tone for the page's colour).
STATES: dict[str, tuple[str, Any, Any, str]] = {
    "received": (
        "received",
        pgettext_lazy("applicant status", "Received"),
        _("We have received your application. Document screening starts after the role closes."),
        "info",
    ),
    "in_review": (
        "screening",
        _("Document screening in progress"),
        _("We are reading the applications. We will email you the result."),
        "info",
    ),
    "passed": (
        "screening",
        _("You passed the document screening"),
        _("The next step is an interview. We will email you an invitation."),
        "success",
    ),
    "not_passed": (
        "screening",
        _("Not invited to the interview this time"),
        _(
            "Thank you for applying. We received many strong applications, and this time we could not invite you "
            "to the interview. We hope you will consider our future calls."
        ),
        "neutral",
    ),
    "invited": (
        "interview",
        _("Invited to an interview"),
        _("Choose a time for your interview."),
        "action",
    ),
    "booked": (
        "interview",
        _("Interview booked"),
        _("Your interview is booked. The time is Japan time."),
        "success",
    ),
    "interviewed": (
        "interview",
        _("Interview held"),
        _("Thank you for the interview. We will email you the result."),
        "info",
    ),
    "selected": (
        "result",
        pgettext_lazy("applicant status", "Selected"),
        _("Congratulations: you have been selected. The city will contact you about the contract and the start."),
        "success",
    ),
    "reserve": (
        "result",
        _("On the reserve list"),
        _(
            "You are on the reserve list. If a selected person cannot take the role, the city will offer it to you "
            "and tell you by email."
        ),
        "info",
    ),
    "not_selected": (
        "result",
        _("Not selected this time"),
        _(
            "Thank you for your time and for the interview. This time the city chose another applicant. "
            "We hope you will consider our future calls."
        ),
        "neutral",
    ),
    "withdrawn": (
        "",
        pgettext_lazy("applicant status", "Withdrawn"),
        _("You withdrew your application for this role."),
        "neutral",
    ),
}


@dataclass(frozen=True)
class Interview:
    """The interview as the applicant sees it: when (Japan time), online or where, and where to book or change."""

    starts_at: datetime | None
    when: str
    online: bool
    video_url: str
    place: str
    booking_url: str | None


@dataclass
class RoleStatus:
    """One role of the application: its state, the words for it, its step list and its interview."""

    candidacy: Candidacy
    state: str
    headline: Any
    detail: Any
    tone: str
    steps: list[dict[str, Any]] = field(default_factory=list)
    interview: Interview | None = None
    unread: int = 0
    messages: int = 0


def booking_link(token: str, candidacy: Candidacy) -> str:
    """The interview booking page from the manage link (one page for all of the application's invitations)."""
    return reverse("interviews:booking", kwargs={"token": token})


def _sent(keys: set[str]) -> set[str]:
    return set(OutboxEmail.objects.filter(key__in=keys, sent_at__isnull=False).values_list("key", flat=True))


def _notice_key(outcome: Outcome) -> str:
    """The outbox key of the mail that told ``outcome`` (as ``mail.triggers.results`` writes it)."""
    if outcome.notice == "screening_correction":
        return f"screening_correction:candidacy:{outcome.candidacy_id}:approval:{outcome.approval}"
    return f"screening_result:candidacy:{outcome.candidacy_id}"


def told_screening(candidacies: list[Candidacy]) -> dict[int, str]:
    """Per candidacy, the document screening outcome the applicant has been sent (passed / not_passed)."""
    outcomes = list(Outcome.objects.filter(candidacy__in=candidacies).order_by("candidacy_id", "approval"))
    sent = _sent({_notice_key(o) for o in outcomes if o.notice})
    told: dict[int, str] = {}
    for outcome in outcomes:
        if outcome.notice and _notice_key(outcome) in sent:
            told[outcome.candidacy_id] = outcome.outcome
    return told


def told_decisions(candidacies: list[Candidacy]) -> set[int]:
    """The candidacies whose final decision's mail has been sent (``decision_*`` kinds, keyed per candidacy)."""
    decided = [c for c in candidacies if c.status in FINAL]
    if not decided:
        return set()
    wanted = {f":candidacy:{c.pk}": c.pk for c in decided}
    ends = Q(pk__in=[])
    for suffix in wanted:
        ends |= Q(key__endswith=suffix)
    keys = OutboxEmail.objects.filter(ends, kind__startswith="decision", sent_at__isnull=False).values_list(
        "key", flat=True
    )
    return {pk for key in keys for suffix, pk in wanted.items() if key.endswith(suffix)}


def _interview(candidacy: Candidacy, token: str, now: datetime, language: str) -> tuple[str, Interview] | None:
    invitation = (
        InterviewInvitation.objects.filter(candidacy=candidacy)
        .exclude(round__status=InterviewRound.Status.CANCELLED)
        .select_related("round", "booking__slot")
        .order_by("-invited_at")
        .first()
    )
    if invitation is None:
        return None
    round_ = invitation.round
    online = round_.mode == InterviewRound.Mode.ONLINE
    booking = invitation.booking
    if booking is not None and booking.cancelled_at is None:
        slot = booking.slot
        interview = Interview(
            starts_at=slot.starts_at,
            when=format_japan_datetime(slot.starts_at, language),
            online=online,
            video_url=slot.video_url if online else "",
            place="" if online else round_.place,
            booking_url=booking_link(token, candidacy) if round_.status == InterviewRound.Status.OPEN else None,
        )
        return ("interviewed" if slot.starts_at <= now else "booked"), interview
    if round_.status != InterviewRound.Status.OPEN:
        return None
    return "invited", Interview(None, "", online, "", "" if online else round_.place, booking_link(token, candidacy))


def _steps(state: str) -> list[dict[str, Any]]:
    at = STATES[state][0]
    order = [name for name, _label in STEPS]
    position = order.index(at) if at in order else -1
    steps = []
    for i, (name, label) in enumerate(STEPS):
        done = i < position or (i == position and name == "result")
        steps.append({"name": name, "label": label, "done": done, "current": i == position})
    return steps


def application_status(
    application: Application, *, token: str, language: str, now: datetime | None = None
) -> list[RoleStatus]:
    """Where each role of ``application`` stands for its applicant, in preference order (see the module)."""
    now = now or timezone.now()
    candidacies = list(application.candidacies.select_related("role").order_by("rank"))
    screening = told_screening(candidacies)
    decisions = told_decisions(candidacies)
    unread = unread_counts(application)
    threads = thread_counts(application)
    roles = []
    for candidacy in candidacies:
        interview = None
        if candidacy.status == S.WITHDRAWN:
            state = "withdrawn"
        elif candidacy.pk in decisions:
            state = {S.SELECTED.value: "selected", RESERVE: "reserve"}.get(candidacy.status, "not_selected")
        elif (found := _interview(candidacy, token, now, language)) is not None:
            state, interview = found
        elif candidacy.pk in screening:
            state = "passed" if screening[candidacy.pk] == Outcome.Outcome.PASSED else "not_passed"
        elif candidacy.status != S.SUBMITTED or candidacy.role.closes_at <= now:
            state = "in_review"
        else:
            state = "received"
        _at, headline, detail, tone = STATES[state]
        roles.append(
            RoleStatus(
                candidacy=candidacy,
                state=state,
                headline=headline,
                detail=detail,
                tone=tone,
                steps=_steps(state) if state != "withdrawn" else [],
                interview=interview,
                unread=unread.get(candidacy.pk, 0),
                messages=threads.get(candidacy.pk, 0),
            )
        )
    return roles


def application_answers(application: Application) -> list[tuple[str, list[tuple[str, str]]]]:
    """The applicant's own answers, as the wizard's steps declare them (``intake.selectors.answer_sections``)."""
    return answer_sections(application.answers or {}, identity_visible=True)
