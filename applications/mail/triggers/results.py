"""Mail to applicants about the outcome: the result of document screening, its corrections, the decision."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone, translation

from applications.mail.catalogue import DECLINE_HINT, SHARED_REASON
from applications.mail.rendering import correction_result
from applications.mail.triggers.common import applicant_values, page_link, to_applicant, with_people
from applications.models import Candidacy, FinalDecision, OutboxEmail, ScreeningOutcome, Shortlist
from applications.screening.rules import AWAITING, PASSED
from cms.web.jobs import each_row_alone
from recruitment.models import RolePage

S = Candidacy.Status


def role_has_result(role: RolePage) -> bool:
    """Has the city approved the role's shortlist (the result of its document screening)?"""
    return Shortlist.objects.filter(role=role, status=Shortlist.Status.APPROVED).exists()


def screening_population(shortlist: Shortlist) -> Any:
    """The candidacies an approval of ``shortlist`` judges: its role's live ones that applied before it was submitted.

    An application that arrives later (after a deadline change, say) was not in what the city
    approved, so it is never told a result of this approval.
    """
    submitted_at = shortlist.submitted_at or timezone.now()
    return Candidacy.objects.filter(role_id=shortlist.role_id, submitted_at__lte=submitted_at).exclude(
        status=S.WITHDRAWN
    )


def screening_results_send(*, shortlist: Shortlist, now: datetime | None = None) -> int:
    """The one place that tells applicants the result of document screening; run in the approval's transaction.

    For each candidacy of :func:`screening_population`: its outcome (通過 if shortlisted, else
    不通過) is recorded as a :class:`ScreeningOutcome` of this approval. Told nothing before: the
    result (書類選考通過 / 書類選考結果). Told the other outcome at an earlier approval: a
    courteous correction (訂正). Told the same: nothing. Running it again for the same approval
    writes nothing (one outcome per candidacy and approval, keyed outbox rows).
    """
    now = now or timezone.now()
    approval = shortlist.approvals
    if shortlist.status != Shortlist.Status.APPROVED or approval < 1:
        return 0
    recorded = set(
        ScreeningOutcome.objects.filter(shortlist=shortlist, approval=approval).values_list("candidacy_id", flat=True)
    )
    candidacies = [c for c in with_people(screening_population(shortlist)).order_by("pk") if c.pk not in recorded]
    told: dict[int, str] = {}
    for candidacy_id, outcome in (
        ScreeningOutcome.objects.filter(candidacy__in=[c.pk for c in candidacies], approval__lt=approval)
        .order_by("approval")
        .values_list("candidacy_id", "outcome")
    ):
        told[candidacy_id] = outcome  # the latest approval wins
    written = 0
    with transaction.atomic():
        for candidacy in candidacies:
            passed = candidacy.status in PASSED
            outcome = ScreeningOutcome.Outcome.PASSED if passed else ScreeningOutcome.Outcome.NOT_PASSED
            before = told.get(candidacy.pk)
            language = candidacy.application.language
            values = {**applicant_values(candidacy), "call_link": page_link(candidacy.application.call, language)}
            if before is None:
                kind = "screening_passed" if passed else "screening_result"
                key = f"screening_result:candidacy:{candidacy.pk}"
            elif before != outcome:
                kind = "screening_correction"
                key = f"screening_correction:candidacy:{candidacy.pk}:approval:{approval}"
                values["result"] = correction_result(passed=passed, language=language, call_link=values["call_link"])
            else:
                kind = key = ""
            ScreeningOutcome.objects.create(
                shortlist=shortlist, approval=approval, candidacy=candidacy, outcome=outcome, notice=kind,
                created_at=now,
            )  # fmt: skip
            if kind:
                written += to_applicant(candidacy.application, kind=kind, key=key, values=values)
    return written


def told_outcomes(shortlist: Shortlist) -> list[ScreeningOutcome]:
    """What each candidacy judged at the shortlist's latest approval was told (or confirmed), by reference."""
    return list(
        ScreeningOutcome.objects.filter(shortlist=shortlist, approval=shortlist.approvals)
        .select_related("candidacy")
        .order_by("candidacy__reference", "candidacy__rank")
    )


def still_reviewing_send(*, now: datetime | None = None) -> int:
    """Tell the candidates of a role closed for the call's set number of days, without a result, that it is coming."""
    now = now or timezone.now()
    candidacies = with_people(
        Candidacy.objects.filter(status__in=AWAITING, role__closes_at__lte=now - timedelta(days=1))
    ).order_by("role_id", "pk")
    by_role: dict[int, list[Candidacy]] = {}
    for candidacy in candidacies:
        by_role.setdefault(candidacy.role_id, []).append(candidacy)
    written = 0
    for group in by_role.values():
        with each_row_alone("still_reviewing_send", group):
            written += _still_reviewing(group, now)
    return written


def _unsent(keys: list[str]) -> set[str]:
    return set(keys) - set(OutboxEmail.objects.filter(key__in=keys).values_list("key", flat=True))


def _still_reviewing(group: list[Candidacy], now: datetime) -> int:
    role, call = group[0].role, group[0].application.call
    days = call.still_reviewing_days
    if role.closes_at + timedelta(days=days) > now or role_has_result(role):
        return 0
    todo = _unsent([f"still_reviewing:candidacy:{c.pk}" for c in group])
    written = 0
    with transaction.atomic():
        for candidacy in group:
            key = f"still_reviewing:candidacy:{candidacy.pk}"
            if key in todo:
                written += to_applicant(
                    candidacy.application,
                    kind="still_reviewing",
                    key=key,
                    values={**applicant_values(candidacy), "days": days},
                    call=call,
                )
    return written


#: The kind that tells a candidacy's decision, by its new status (a promotion from the reserve: its own kind).
DECISION_KINDS = {
    S.SELECTED: "decision_selected",
    S.NOT_SELECTED: "decision_not_selected",
    S.RESERVE: "decision_reserve",
    S.DECLINED: "decision_declined",
}


def decision_send(*, candidacy: Candidacy, previous: str = "") -> bool:
    """The final 採用 / 不採用 / 補欠 of one candidacy, and each later move of it, once (in its transaction).

    The first decision is keyed per candidacy; a later move (a reserve promoted or released, a hire's
    decline) per candidacy and new status, so each is told exactly once. The reason goes in only when
    the city chose to share it (``FinalDecision.share_reason`` of the decision that made the move).
    """
    status = candidacy.status
    kind = DECISION_KINDS[S(status)]
    if status == S.SELECTED and previous == S.RESERVE:
        kind = "decision_promoted"
    first = previous not in DECISION_KINDS
    key = f"decision:candidacy:{candidacy.pk}" if first else f"decision:candidacy:{candidacy.pk}:{status}"
    language = candidacy.application.language
    values = {**applicant_values(candidacy), "reason": "", "decline": ""}
    decision = FinalDecision.objects.filter(candidacy=candidacy).order_by("-decided_at", "-pk").first()
    with translation.override(language):
        if decision is not None and decision.share_reason and decision.outcome == status:
            values["reason"] = str(SHARED_REASON).format(reason=decision.shared_text())
        if status == S.SELECTED:
            values["decline"] = str(DECLINE_HINT)
    return to_applicant(candidacy.application, kind=kind, key=key, values=values)
