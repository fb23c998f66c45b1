"""What may this user do on this call? The one answer, per call, with its reason.

A user's powers on a call come from where they stand on that call, never from a
site-wide group alone (the groups of ``applications.staff`` open the admin and give page
rights per city, nothing more):

* their membership of the call's organisation: approver, official or editor
  (:data:`POWERS`);
* their assignment to the call, running today in Japan time (``starts_on`` and
  ``ends_on`` inclusive, open when empty): contractor; and, when the call says so
  (``CallPage.contractor_runs_interviews``), the power to run its interviews
  (:data:`CONTRACTOR_BY_CALL`).

Superusers hold every power. Separation of duties, applied here and nowhere else:

* a user assigned to a call (running, not yet running or ended) holds no approver
  power on it (:data:`APPROVER_ONLY`), whatever their membership;
* the user who submitted a role's shortlist does not approve it (``shortlist=``).

Every answer is a :class:`Decision` (allowed, reason): the reason is what the person is
told and what the audit log may keep. :func:`calls_with` gives the same answer for many
calls at once, as a queryset. See docs/adr/0009-authority-per-city.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.mail.catalogue import APPROVERS, CONTRACTORS
from applications.models import Assignment, OrganisationMember
from recruitment.models import CallPage
from recruitment.selectors import role_call


class Power(StrEnum):
    """What one may do on a call."""

    VIEW = "view"  # open the call's screening: dashboard, list, candidacies, files
    REVIEW = "review"  # score a candidacy, declare a conflict, ask a colleague to review
    SHORTLIST = "shortlist"  # move candidacies through screening (in review, shortlisted, rejected)
    SUBMIT = "submit"  # hand a role's shortlist to the city
    APPROVE = "approve"  # approve, return or reopen a role's shortlist
    DECIDE = "decide"  # record 採用 / 不採用
    AUDIT = "audit"  # read the call's audit log
    EXPORT = "export"  # request and download the call's documents (decision pack, dossiers, CSV)
    INTERVIEW = "interview"  # open, close an interview round of a role (applications.interviews)
    MESSAGE = "message"  # write to an applicant about their candidacy (applications.messaging), no contacts shown
    READ_INTERVIEWS = "read_interviews"  # read the interview stage: panels, bookings, scorecards, consensus (the city)


#: Standing on a call of a contractor whose assignment runs today.
CONTRACTOR = "contractor"
R = OrganisationMember.Role

#: Each standing's powers on a call: plain data, read it as the table of who may do what.
POWERS: dict[str, frozenset[Power]] = {
    CONTRACTOR: frozenset({Power.VIEW, Power.REVIEW, Power.SHORTLIST, Power.SUBMIT, Power.EXPORT, Power.MESSAGE}),
    R.APPROVER: frozenset(
        {
            Power.VIEW,
            Power.APPROVE,
            Power.DECIDE,
            Power.AUDIT,
            Power.EXPORT,
            Power.INTERVIEW,
            Power.READ_INTERVIEWS,
            Power.MESSAGE,
        }
    ),
    R.OFFICIAL: frozenset({Power.VIEW, Power.EXPORT, Power.READ_INTERVIEWS}),
    R.EDITOR: frozenset(),  # editors write the city's pages (page rights), they do not screen
}
#: Powers a membership never gives on a call the member is assigned to (separation of duties).
APPROVER_ONLY = frozenset({Power.APPROVE, Power.DECIDE, Power.AUDIT, Power.INTERVIEW})
#: Powers a running assignment gives only on a call whose page says so (``CallPage.contractor_runs_interviews``).
CONTRACTOR_BY_CALL = frozenset({Power.INTERVIEW})

_CACHE = "_kobo_standing"


@dataclass(frozen=True)
class Decision:
    """The answer to "may this user do this?", with the reason for the audit log and the message."""

    allowed: bool
    reason: str

    def __bool__(self) -> bool:
        return self.allowed


@dataclass(frozen=True)
class Standing:
    """Where a user stands on one call: their role in its organisation (or ``None``) and their assignment.

    ``call_runs_interviews``: the call lets its contractors run its interviews (:data:`CONTRACTOR_BY_CALL`).
    """

    role: str | None
    assigned: bool
    running: bool
    call_runs_interviews: bool = False

    @property
    def contractor_powers(self) -> frozenset[Power]:
        """What the running assignment gives on this call."""
        if not self.running:
            return frozenset()
        return POWERS[CONTRACTOR] | (CONTRACTOR_BY_CALL if self.call_runs_interviews else frozenset())

    @property
    def powers(self) -> frozenset[Power]:
        held = set(POWERS.get(self.role, frozenset())) if self.role else set()
        if self.assigned:
            held -= APPROVER_ONLY
        held |= self.contractor_powers
        return frozenset(held)


def _running(today: Any) -> Q:
    return (Q(starts_on__isnull=True) | Q(starts_on__lte=today)) & (Q(ends_on__isnull=True) | Q(ends_on__gte=today))


def _active(user: Any) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def standing(user: Any, call: CallPage) -> Standing:
    """Where ``user`` stands on ``call`` today (one query, kept on the user object for the request)."""
    if not _active(user):
        return Standing(None, False, False)
    today = timezone.localdate()
    cache = user.__dict__.setdefault(_CACHE, {})
    key = (call.pk, today)
    if key not in cache:
        assignments = Assignment.objects.filter(user=user, call_id=OuterRef("pk"))
        row = (
            CallPage.objects.filter(pk=call.pk)
            .annotate(
                assigned=Exists(assignments),
                running=Exists(assignments.filter(_running(today))),
            )
            .values_list("organisation_id", "assigned", "running", "contractor_runs_interviews")
            .first()
        )
        if row is None:
            cache[key] = Standing(None, False, False)
        else:
            organisation_id, assigned, running, runs_interviews = row
            role = (
                OrganisationMember.objects.filter(user=user, organisation_id=organisation_id)
                .values_list("role", flat=True)
                .first()
            )
            cache[key] = Standing(role, assigned, running, runs_interviews)
    return cache[key]


def forget(user: Any) -> None:
    """Drop what :func:`standing` kept on ``user`` (after their memberships or assignments change)."""
    if user is not None:
        user.__dict__.pop(_CACHE, None)


def powers(user: Any, call: CallPage) -> frozenset[Power]:
    """Every power ``user`` holds on ``call``."""
    if not _active(user):
        return frozenset()
    if user.is_superuser:
        return frozenset(Power)
    return standing(user, call).powers


_REFUSALS = {
    Power.VIEW: gettext_lazy("This call is not yours to screen."),
    Power.REVIEW: gettext_lazy("Only a screening contractor assigned to this call reviews its candidacies."),
    Power.SHORTLIST: gettext_lazy("Only a screening contractor assigned to this call changes its screening."),
    Power.SUBMIT: gettext_lazy("Only the screening contractor of this call submits the shortlist."),
    Power.APPROVE: gettext_lazy("Only a city approver of this call's city decides on the shortlist."),
    Power.DECIDE: gettext_lazy("Only a city approver of this call's city records the final selection."),
    Power.AUDIT: gettext_lazy("Only a city approver of this call's city reads its audit log."),
    Power.EXPORT: gettext_lazy("You may not export this call's documents."),
    Power.INTERVIEW: gettext_lazy(
        "Only a city approver of this call's city (or its screening contractor, when the call says so) "
        "runs its interviews."
    ),
    Power.MESSAGE: gettext_lazy("Only the city's approvers and the call's contractors write to its applicants."),
    Power.READ_INTERVIEWS: gettext_lazy("Only the interview panel and the city read the interviews of this call."),
}


def decide(user: Any, call: CallPage, power: Power, *, shortlist: Any = None) -> Decision:
    """May ``user`` use ``power`` on ``call``? For :attr:`Power.APPROVE`, pass the ``shortlist`` at stake."""
    if not _active(user):
        return Decision(False, _("Sign in first."))
    if power is Power.APPROVE and shortlist is not None and shortlist.submitted_by_id == user.pk:
        # Separation of duties holds for everyone, superusers too: a second person approves.
        return Decision(False, _("You submitted this shortlist; another approver of the city decides on it."))
    if user.is_superuser:
        return Decision(True, "superuser")
    held = standing(user, call)
    if power in held.powers:
        source = CONTRACTOR if power in held.contractor_powers else str(held.role)
        return Decision(True, source)
    if power in APPROVER_ONLY and held.assigned and held.role and power in POWERS.get(held.role, frozenset()):
        return Decision(False, _("You are a screening contractor of this call; its approval is someone else's."))
    return Decision(False, str(_REFUSALS[power]))


def panel_member(user: Any, interview_round: Any) -> Decision:
    """May ``user`` score the interviews of ``interview_round``: on its panel, and still standing on its call.

    The panel is chosen when the round opens (members of the city and the call's contractors); a
    panel member whose assignment ended or who left the city no longer scores. Superusers hold no
    seat on a panel they are not named to.
    """
    if not _active(user):
        return Decision(False, _("Sign in first."))
    if not interview_round.panel.filter(pk=user.pk).exists():
        return Decision(False, _("Only the panel of this interview round scores its interviews."))
    call = role_call(interview_round.role)
    if Power.VIEW not in powers(user, call):
        return Decision(False, _("You no longer stand on this call, so you no longer sit on its panel."))
    return Decision(True, "panel")


def _granted(power: Power, *, user: Any, call: Any, organisation: Any) -> Q:
    """:data:`POWERS` as a query condition; ``user``, ``call`` and ``organisation`` are ids or ``OuterRef``s."""
    allowed = Q(pk__in=[])
    if power in POWERS[CONTRACTOR] | CONTRACTOR_BY_CALL:
        running = Assignment.objects.filter(_running(timezone.localdate()), user_id=user, call_id=call)
        if power in CONTRACTOR_BY_CALL:
            running = running.filter(call__contractor_runs_interviews=True)
        allowed |= Q(Exists(running))
    roles = [role for role in R.values if power in POWERS[role]]
    if roles:
        member = Q(
            Exists(OrganisationMember.objects.filter(user_id=user, organisation_id=organisation, role__in=roles))
        )
        if power in APPROVER_ONLY:
            member &= ~Q(Exists(Assignment.objects.filter(user_id=user, call_id=call)))
        allowed |= member
    return allowed


def calls_with(user: Any, power: Power) -> QuerySet[CallPage]:
    """The calls on which ``user`` holds ``power`` (the queryset form of :func:`decide`)."""
    if not _active(user):
        return CallPage.objects.none()
    if user.is_superuser:
        return CallPage.objects.all()
    return CallPage.objects.filter(
        _granted(power, user=user.pk, call=OuterRef("pk"), organisation=OuterRef("organisation_id"))
    )


def holders(call: CallPage, power: Power) -> QuerySet[Any]:
    """The active users (superusers left out) who hold ``power`` on ``call``: whom to tell about it."""
    condition = _granted(power, user=OuterRef("pk"), call=call.pk, organisation=call.organisation_id)
    return get_user_model().objects.filter(condition, is_active=True, is_superuser=False)


#: The power that makes a user one of a mail kind's staff recipients (``applications.mail.catalogue``):
#: the call's contractors submit its shortlists, the city's approvers approve them.
MAIL_RECIPIENTS = {CONTRACTORS: Power.SUBMIT, APPROVERS: Power.APPROVE}


def mail_recipients(call: CallPage, who: str) -> QuerySet[Any]:
    """The users who receive the staff mail meant for ``who`` (``CONTRACTORS``, ``APPROVERS``) of ``call``."""
    return holders(call, MAIL_RECIPIENTS[who])
