"""Where a role's selection stands and which move it may make: the lifecycle table (:data:`rules.ROLE_MOVES`) read.

:func:`role_stage` reads the stage off the stored facts (the shortlist, its candidacies, the
deadline, a live interview round); :func:`role_move_check` is the one gate every service of a
move asks, and :func:`role_extension_refusal` the one a deadline change asks. Nothing here writes.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.models import Candidacy, InterviewRound, Shortlist
from applications.screening.rules import DECISIONS, ROLE_MOVES, UNSCREENED, Move, Stage
from recruitment.deadlines import RoleState
from recruitment.models import RolePage


class ScreeningError(Exception):
    """A refused screening action; ``message`` is for the person who tried it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class TransitionConflict(ScreeningError):
    """Someone changed the candidacy since the page was loaded; ``current`` is what it is now."""

    def __init__(self, message: str, current: Candidacy) -> None:
        super().__init__(message)
        self.current = current


def role_is_closed(role: RolePage, now: datetime | None = None) -> bool:
    """Screening starts when the role no longer takes applications (``recruitment.deadlines``)."""
    return role.state(now) == RoleState.CLOSED


def role_stage(role: RolePage, now: datetime | None = None) -> Stage:
    """Where ``role``'s selection stands (:class:`rules.Stage`), read off its shortlist, candidacies and deadline.

    ``role`` as stored: a deadline being edited is checked against the stage it would leave.
    """
    shortlist = Shortlist.objects.filter(role_id=role.pk).first() or Shortlist(role_id=role.pk)  # none yet: a draft
    status = shortlist.status
    candidacies = Candidacy.objects.filter(role_id=role.pk)
    if status == Shortlist.Status.SUBMITTED:
        return Stage.SUBMITTED
    if status == Shortlist.Status.APPROVED:
        if candidacies.filter(status__in=DECISIONS).exists():
            return Stage.DECIDED
        interviews = _interview_stage(role, now)
        if interviews is not None:
            return interviews
        if shortlist.outcomes.filter(approval=shortlist.approvals).exists():
            return Stage.RESULTS_SENT
        return Stage.APPROVED
    if role.state(now) != RoleState.CLOSED:
        return Stage.OPEN
    if status == Shortlist.Status.RETURNED:
        return Stage.REOPENED if shortlist.approvals else Stage.RETURNED
    started = candidacies.exclude(status__in=UNSCREENED).exists() or candidacies.filter(review_count__gt=0).exists()
    return Stage.SCREENING if started else Stage.CLOSED


def _interview_stage(role: RolePage, now: datetime | None = None) -> Stage | None:
    """The interview stage of an approved role with a live (not cancelled) round; ``None`` without one.

    Done (``INTERVIEWED``) once the round is closed or the end of its last slot has passed.
    """
    live = InterviewRound.objects.filter(role_id=role.pk).exclude(status=InterviewRound.Status.CANCELLED).first()
    if live is None:
        return None
    if live.status == InterviewRound.Status.CLOSED:
        return Stage.INTERVIEWED
    last = live.slots.order_by("-starts_at").values_list("starts_at", flat=True).first()
    if last is not None and last + timedelta(minutes=live.length_minutes) <= (now or timezone.now()):
        return Stage.INTERVIEWED
    return Stage.INTERVIEWS


#: Why a move is refused, by move (the stage it was tried from is added).
_REFUSALS = {
    Move.EXTEND: gettext_lazy(
        "The shortlist of this role has been submitted to or approved by the city, so the deadline cannot "
        "open the role again. Ask a city approver to reopen the shortlist first."
    ),
    Move.SUBMIT: gettext_lazy("The shortlist of “%(role)s” cannot be submitted now."),
    Move.APPROVE: gettext_lazy("There is no submitted shortlist to decide on."),
    Move.RETURN: gettext_lazy("There is no submitted shortlist to decide on."),
    Move.SEND_RESULTS: gettext_lazy("The results of “%(role)s” are sent when its shortlist is approved."),
    Move.REOPEN: gettext_lazy("Only an approved shortlist whose results were sent can be reopened."),
    Move.DECIDE: gettext_lazy(
        "The final selection is recorded after the city approves the shortlist, and after the interviews "
        "when the role has an interview round."
    ),
    Move.INTERVIEW: gettext_lazy(
        "An interview round of “%(role)s” opens once its approved shortlist's results are sent, and only one at a time."
    ),
}


def role_move_check(role: RolePage, move: Move, now: datetime | None = None) -> Stage:
    """The stage ``move`` leads ``role`` to, per :data:`rules.ROLE_MOVES`; :class:`ScreeningError` if refused."""
    stage = role_stage(role, now)
    to = ROLE_MOVES.get((stage, move))
    if to is None:
        if move == Move.REOPEN and stage == Stage.DECIDED:
            raise ScreeningError(_("The final selection of this role is recorded; the shortlist stays as approved."))
        if move == Move.EXTEND and stage == Stage.DECIDED:
            raise ScreeningError(
                _("The final selection of this role is recorded; its deadline can no longer open it again.")
            )
        refusal = str(_REFUSALS[move]) % {"role": role.title}
        raise ScreeningError(_("%(refusal)s (now: %(stage)s)") % {"refusal": refusal, "stage": stage.label})
    return to


def role_extension_refusal(role: RolePage) -> str:
    """Why a deadline change may not open ``role`` again ("" when it may): the lifecycle's ``extend`` move.

    Registered with ``recruitment.deadlines.EXTENSION_CHECKS`` and asked by ``RolePage.clean``.
    """
    stored = RolePage.objects.filter(pk=role.pk).first()
    if stored is None or role_stage(stored) == Stage.OPEN:
        return ""
    refusals = []
    for language in ("ja", "en"):  # the editor's page form shows both, like the role's other date errors
        with translation.override(language):
            try:
                role_move_check(stored, Move.EXTEND)
            except ScreeningError as exc:
                refusals.append(exc.message)
    return " ".join(refusals)
