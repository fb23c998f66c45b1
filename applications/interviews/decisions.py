"""The final decision with reasons after the interviews: 採用 / 不採用 / 補欠, a hire's decline, a reserve promoted.

:func:`final_decision` is the contract of issue 20: ``final_decision(*, candidacy, by, outcome, reason)``.
It records a :class:`~applications.models.FinalDecision` (outcome, a reason from the short list
:class:`FinalDecision.Reason` plus text, whether the reason is shared with the applicant) and moves the
candidacy through ``screening.services.candidacy_transition`` — the only writer of a status — whose
lifecycle check (``rules.ROLE_MOVES``, move ``decide``) refuses a role whose interviews are not done and
whose mail trigger tells the applicant, once (``mail.triggers.results.decision_send``). Reasons stay
internal unless ``share_reason``.

A hire who declines (:func:`hire_decline`: recorded by an approver, or by the applicant from their
manage link with ``by=None``) frees the seat: the first reserve (:func:`reserves`: the order the
approver set, else the panel's consensus rank) is promoted and told, in the same transaction. The
promotion is recorded in the name of the approver who put that person on the reserve list: by
ordering the reserves, they decided who takes a freed seat.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import Candidacy, Consensus, FinalDecision
from applications.screening.audit import audit
from applications.screening.rules import Move
from applications.screening.services import ScreeningError, candidacy_transition, require_power, role_move_check
from applications.teams.authority import Power
from recruitment.models import RolePage
from recruitment.selectors import role_call

logger = logging.getLogger(__name__)

S = Candidacy.Status
Outcome = FinalDecision.Outcome
Reason = FinalDecision.Reason

#: Reasons an approver may choose (``promoted`` is the promotion's own).
CHOSEN_REASONS = [value for value in Reason.values if value != Reason.PROMOTED]


def current_decision(candidacy: Candidacy) -> FinalDecision | None:
    """The latest decision recorded for ``candidacy`` (the one its status reflects), if any."""
    return FinalDecision.objects.filter(candidacy=candidacy).order_by("-decided_at", "-pk").first()


def _locked_role(role_id: int) -> RolePage:
    return RolePage.objects.select_for_update().get(pk=role_id)


def final_decision(
    *,
    candidacy: Candidacy,
    by: Any,
    outcome: str,
    reason: str,
    reason_text: str = "",
    share_reason: bool = False,
    reserve_order: int | None = None,
    now: datetime | None = None,
) -> FinalDecision:
    """Record the city's final 採用 / 不採用 / 補欠 of one candidacy, with a reason; the applicant is told kindly, once.

    Refused (:class:`ScreeningError`) unless ``by`` may decide on the call (an approver of its city,
    never its contractor), the role's lifecycle allows the decision (after the approved shortlist,
    and after the interviews when it has a round), the status table allows the move (from
    shortlisted; a reserve may still be selected or released), and, for 採用, a seat is free
    (the role's headcount).
    """
    call = role_call(candidacy.role)
    require_power(by, call, Power.DECIDE)
    if outcome not in Outcome.values:
        raise ScreeningError(_("Choose 採用, 不採用 or 補欠."))
    if reason not in CHOSEN_REASONS:
        raise ScreeningError(_("Choose a reason from the list."))
    reason_text = reason_text.strip()
    if reason == Reason.OTHER and not reason_text:
        raise ScreeningError(_("Say the reason in words when you choose “Other”."))
    if reserve_order is not None and not 1 <= reserve_order <= 999:
        raise ScreeningError(_("The reserve order is a whole number from 1."))
    role_move_check(candidacy.role, Move.DECIDE, now)
    with transaction.atomic():
        role = _locked_role(candidacy.role_id)  # one decision of the role at a time: seats are counted
        if outcome == Outcome.SELECTED:
            taken = Candidacy.objects.filter(role=role, status=S.SELECTED).exclude(pk=candidacy.pk).count()
            if taken >= role.headcount:
                raise ScreeningError(
                    _("Every place of “%(role)s” is taken (%(n)s): put this person on the reserve list instead.")
                    % {"role": role.title, "n": role.headcount}
                )
        if outcome == Outcome.RESERVE and reserve_order is None:
            last = FinalDecision.objects.filter(
                candidacy__role=role, candidacy__status=S.RESERVE, outcome=Outcome.RESERVE
            ).aggregate(m=Max("reserve_order"))["m"]
            reserve_order = (last or 0) + 1
        decision = FinalDecision.objects.create(
            candidacy=candidacy,
            outcome=outcome,
            reason=reason,
            reason_text=reason_text,
            share_reason=share_reason,
            reserve_order=reserve_order if outcome == Outcome.RESERVE else None,
            decided_by=by,
            decided_at=now or timezone.now(),
        )
        candidacy_transition(
            candidacy=candidacy, to=outcome, by=by, reason=f"{reason}: {reason_text}".strip(": "), decision=decision
        )
        audit(
            user=by,
            action="kobo.interview.decision",
            call=call,
            candidacy=candidacy,
            role_id=role.pk,
            outcome=outcome,
            reason=reason,
            reason_text=reason_text,
            shared=share_reason,
        )
    return decision


def reserves(role: RolePage) -> list[Candidacy]:
    """The role's reserves in order of promotion: the order the approver set, then the consensus rank."""
    people = list(
        Candidacy.objects.filter(role=role, status=S.RESERVE).select_related("application__applicant", "role")
    )
    orders = {}
    for decision in FinalDecision.objects.filter(candidacy__in=people, outcome=Outcome.RESERVE).order_by(
        "decided_at", "pk"
    ):
        orders[decision.candidacy_id] = decision.reserve_order  # the latest wins
    ranks = dict(
        Consensus.objects.filter(invitation__candidacy__in=people, invitation__round__role=role)
        .exclude(invitation__round__status="cancelled")
        .values_list("invitation__candidacy_id", "rank")
    )

    def key(c: Candidacy) -> tuple[int, int, int, str]:
        order, rank = orders.get(c.pk), ranks.get(c.pk)
        return (order is None, order or 0, rank if rank is not None else 10_000, c.reference)

    return sorted(people, key=key)


def reserve_order_set(*, role: RolePage, by: Any, order: list[int], now: datetime | None = None) -> list[Candidacy]:
    """The approver sets the order in which the role's reserves are promoted (``order``: candidacy ids, first first).

    Reserves left out keep their place after those named.
    """
    call = role_call(role)
    require_power(by, call, Power.DECIDE)
    current = {c.pk: c for c in reserves(role)}
    named = [pk for pk in dict.fromkeys(order) if pk in current]
    if len(named) != len(dict.fromkeys(order)):
        raise ScreeningError(_("Only this role's reserves can be put in order."))
    ordered = named + [pk for pk in current if pk not in named]
    with transaction.atomic():
        _locked_role(role.pk)
        for position, pk in enumerate(ordered, start=1):
            decision = (
                FinalDecision.objects.filter(candidacy_id=pk, outcome=Outcome.RESERVE).order_by("-decided_at", "-pk")
            ).first()
            if decision is not None and decision.reserve_order != position:
                decision.reserve_order = position
                decision.save(update_fields=["reserve_order"])
        audit(user=by, action="kobo.interview.reserve_order", call=call, role_id=role.pk, role=role.title,
              order=[current[pk].reference for pk in ordered])  # fmt: skip
    return reserves(role)


def hire_decline(*, candidacy: Candidacy, by: Any, note: str = "", now: datetime | None = None) -> Candidacy | None:
    """A hire declines the offer: recorded by an approver (``by``), or by the applicant (``by=None``, manage link).

    The decline is confirmed to the applicant, and the first reserve (:func:`reserves`) is promoted
    and told, in the same transaction; returns the promoted candidacy (``None`` when the role has no
    reserve, or the approver who put them there may no longer decide: then an approver promotes by hand).
    """
    call = role_call(candidacy.role)
    if by is not None:
        require_power(by, call, Power.DECIDE)
    if candidacy.status != S.SELECTED:
        raise ScreeningError(_("Only a selected candidate can decline the offer."))
    with transaction.atomic():
        _locked_role(candidacy.role_id)
        declined = candidacy_transition(candidacy=candidacy, to=S.DECLINED, by=by, reason=note.strip() or "declined")
        audit(user=by, action="kobo.interview.declined", call=call, candidacy=declined, role_id=declined.role_id,
              by="applicant" if by is None else "staff", note=note.strip())  # fmt: skip
        promoted = _promote_first_reserve(declined, now=now)
    return promoted


def _promote_first_reserve(declined: Candidacy, *, now: datetime | None) -> Candidacy | None:
    role = declined.role
    for reserve in reserves(role)[:1]:
        put_there = (
            FinalDecision.objects.filter(candidacy=reserve, outcome=Outcome.RESERVE)
            .select_related("decided_by")
            .order_by("-decided_at", "-pk")
            .first()
        )
        approver = put_there.decided_by if put_there is not None else None
        if approver is None:
            return None
        try:
            with transaction.atomic():
                decision = FinalDecision.objects.create(
                    candidacy=reserve, outcome=Outcome.SELECTED, reason=Reason.PROMOTED, decided_by=approver,
                    decided_at=now or timezone.now(),
                )  # fmt: skip
                promoted = candidacy_transition(
                    candidacy=reserve, to=S.SELECTED, by=approver, reason="promoted from the reserve list",
                    decision=decision,
                )  # fmt: skip
                audit(user=approver, action="kobo.interview.promoted", call=role_call(role), candidacy=promoted,
                      role_id=role.pk, freed_by=declined.reference)  # fmt: skip
                return promoted
        except ScreeningError as exc:
            logger.warning("role %s: reserve %s not promoted: %s", role.pk, reserve.pk, exc.message)
    return None
