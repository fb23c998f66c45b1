"""The second half of selection in the Kobe demo: one closed role taken from its shortlist to a final decision.

Run by ``load_demo_applications`` (``make run``) after the generated applications, so that a
visitor sees an interview round, its bookings, the panel's scorecards, the decisions with their
reasons and a message thread. Everything goes through the real services, in the lifecycle's
order (``screening.rules.ROLE_MOVES``), as the people of the demo would:

1. ``screener2`` (the contractor) reviews and shortlists the best candidates (headcount × the
   call's factor: the serial's one place × 3 in the demo) and submits the shortlist; ``approver``
   approves it, which sends the results;
2. ``approver`` opens an online interview round with a few times in the coming days (Japan time,
   a video link each) and a panel of the city's people; most invited candidates book a time (one
   asks for captions), and ``approver`` closes the round: the role's interviews are done;
3. every panel member scores every booked interview, the panel records its consensus and rank,
   and ``approver`` decides through ``final_decision`` (the only way to a decision): 採用 up to
   the headcount, one or two 補欠, the rest 不採用 (at least one of each when three or more
   were interviewed), each with a reason from the list and its text;
4. ``screener2`` writes to one candidate, who answers from the manage link.

Only that role is touched (the other roles keep their screening work). Unlike the first half,
the mail stays in the outbox unsent, with the story happening now: the worker's console mail
prints it, with each applicant's manage link. Idempotent: a role whose shortlist is already with
the city (or further) is left as it is.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from applications.interviews.decisions import final_decision
from applications.interviews.models_panel import FinalDecision, Recommendation
from applications.interviews.scorecards import consensus_record, interview_rubric_snapshot, scorecard_submit
from applications.interviews.selectors import panel_candidates
from applications.interviews.services import SlotSpec, interview_book, interview_round_close, interview_round_open
from applications.messaging.services import MessagingError, message_answer, message_send
from applications.models import Candidacy, InterviewInvitation, Review
from applications.screening.reviewing import review_submit
from applications.screening.rubric import parse, rubric_snapshot
from applications.screening.rules import Stage
from applications.screening.services import (
    ScreeningError,
    candidacy_transition,
    role_is_closed,
    role_stage,
    shortlist_decide,
    shortlist_for,
    shortlist_limit,
    shortlist_submit,
)
from recruitment.models import CallPage, RolePage

JST = ZoneInfo("Asia/Tokyo")
S = Candidacy.Status
Reason = FinalDecision.Reason

#: The role the demo decides: the newsletter serial, whose deadline has passed in the demo.
DEMO_DECIDED_ROLE = "newsletter-serial"
#: Interview times (Japan time) on the third and fourth day from today: after the 24-hour cut-off.
SLOT_TIMES = [(3, time(10, 0)), (3, time(11, 0)), (3, time(14, 0)), (4, time(10, 0)), (4, time(11, 0))]
#: The panel's consensus, for a strong interview (True) or not.
CONSENSUS = {True: "面接と書類の評価が一致した。", False: "他の候補者の評価が上回った。"}
VIDEO_URL = "https://meet.example.jp/kobo-demo/newsletter-{n}"


def _role_slug(role: RolePage) -> str:
    return role.category.slug if role.category_id else role.slug


def demo_decided_role(call: CallPage) -> RolePage | None:
    """The closed role the demo decides: the newsletter serial, else the closed role with the fewest candidacies."""
    closed = [role for role in call.roles() if role_is_closed(role)]
    for role in closed:
        if _role_slug(role) == DEMO_DECIDED_ROLE:
            return role
    counts = dict(Candidacy.objects.filter(role__in=closed).values_list("role_id").annotate(n=Count("pk")).order_by())
    live = [role for role in closed if counts.get(role.pk)]
    return min(live, key=lambda role: (counts[role.pk], role.pk)) if live else None


def _scores(rubric: list[dict[str, Any]], level: int) -> list[int | None]:
    """Scores for every criterion of ``rubric``: ``level`` (1–5) scaled to each criterion's maximum."""
    return [max(1, min(c.max_score, round(level * c.max_score / 5))) for c in parse(rubric)]


def _shortlist(role: RolePage, contractor: Any) -> None:
    """The contractor reviews the best live candidacies of ``role`` and shortlists as many as allowed."""
    limit = shortlist_limit(role, role.get_parent().specific.shortlist_factor)
    live = (
        Candidacy.objects.filter(role=role, status__in=[S.SUBMITTED, S.IN_REVIEW])
        .select_related("application__call", "application__applicant", "role")
        .order_by(F("score").desc(nulls_last=True), "rank", "pk")
    )
    rubric = rubric_snapshot(role)
    wanted = limit - Candidacy.objects.filter(role=role, status=S.SHORTLISTED).count()  # someone may have begun
    for candidacy in live[: max(wanted, 0)]:
        if not Review.objects.filter(candidacy=candidacy, reviewer=contractor).exists():
            review_submit(
                candidacy=candidacy,
                reviewer=contractor,
                scores=_scores(rubric, 5),
                comment="連載の構成案が具体的で、過去の執筆例も読みやすい。",
                recommendation="yes",
            )
        candidacy.refresh_from_db()
        if candidacy.status == S.SUBMITTED:
            candidacy = candidacy_transition(candidacy=candidacy, to=S.IN_REVIEW, by=contractor)
        candidacy_transition(candidacy=candidacy, to=S.SHORTLISTED, by=contractor, reason="書類選考: 候補に残す")


def _slots(now: datetime) -> list[SlotSpec]:
    today = now.astimezone(JST).date()
    return [
        SlotSpec(
            starts_at=datetime.combine(today + timedelta(days=day), at, tzinfo=JST),
            capacity=1,
            video_url=VIDEO_URL.format(n=n),
        )
        for n, (day, at) in enumerate(SLOT_TIMES, start=1)
    ]


def _invitations(round_id: int) -> list[InterviewInvitation]:
    return list(
        InterviewInvitation.objects.filter(round_id=round_id)
        .select_related(
            "round__role",
            "candidacy__application__call",
            "candidacy__application__applicant",
            "candidacy__role",
            "booking",
        )
        .order_by(F("candidacy__score").desc(nulls_last=True), "candidacy_id")  # the best screened first
    )


def demo_decide_role(call: CallPage, users: dict[str, Any]) -> str:
    """Take one closed role of ``call`` through interviews to a final decision; return a line for the command.

    Needs ``screener2`` (or ``screener``) and ``approver`` (``official`` joins the panel when there).
    Nothing is done when the role's shortlist is already with the city (or further), and nothing is
    kept when a step is refused (the line says why).
    """
    contractor = users.get("screener2") or users.get("screener")
    approver = users.get("approver")
    role = demo_decided_role(call)
    if role is None or contractor is None or approver is None:
        return "no closed role to decide (or no screener / approver)"
    if role_stage(role) not in (Stage.CLOSED, Stage.SCREENING):
        return _summary(role, done=False)
    try:
        _decide(call, role, users, contractor, approver)
    except (ScreeningError, MessagingError) as exc:  # e.g. a visitor changed the role by hand: say so, stop
        return f"{role.title}: left as it is ({exc})"
    return _summary(role, done=True)


def _decide(call: CallPage, role: RolePage, users: dict[str, Any], contractor: Any, approver: Any) -> None:
    """The steps of :func:`demo_decide_role`, in one transaction (all or nothing)."""
    now = timezone.now()
    with transaction.atomic():
        _shortlist(role, contractor)
        if not Candidacy.objects.filter(role=role, status=S.SHORTLISTED).exists():
            raise ScreeningError("no candidate to shortlist")
        shortlist_submit(role=role, by=contractor)
        shortlist_decide(shortlist=shortlist_for(role), by=approver, approve=True)

        eligible = set(panel_candidates(call).values_list("pk", flat=True))
        panel = [u for u in (approver, users.get("official")) if u is not None and u.pk in eligible]
        interview_round = interview_round_open(role=role, by=approver, slots=_slots(now), panel=panel, now=now)
        invitations = _invitations(interview_round.pk)
        slots = list(interview_round.slots.order_by("starts_at"))
        # Most book: everyone when there are few, all but the last otherwise (one never answered).
        booking = invitations if len(invitations) <= 3 else invitations[:-1]
        for n, (invitation, slot) in enumerate(zip(booking, slots, strict=False)):
            accommodation = "聴覚に障害があります。字幕(自動字幕で構いません)をお願いします。" if n == 1 else ""
            interview_book(candidacy=invitation.candidacy, slot=slot, accommodation=accommodation)
        interview_round_close(interview_round=interview_round, by=approver)

        invitations = _invitations(interview_round.pk)
        booked = [i for i in invitations if i.booking_id is not None]
        rubric = interview_rubric_snapshot(role)
        levels = {i.pk: 5 - min(rank, 3) for rank, i in enumerate(booked)}  # 5, 4, 3, 2, 2, …
        recommend = {}
        for rank, invitation in enumerate(booked):
            recommend[invitation.pk] = (
                Recommendation.SELECT
                if rank < role.headcount
                else Recommendation.RESERVE
                if rank < role.headcount + 2
                else Recommendation.NOT_SELECT
            )
        for invitation in booked:
            for member in panel:
                level = levels[invitation.pk] - (1 if member is not approver and levels[invitation.pk] > 2 else 0)
                scorecard_submit(
                    invitation=invitation,
                    by=member,
                    scores=_scores(rubric, level),
                    recommendation=recommend[invitation.pk],
                    comment="具体的な企画と締切の見通しを示した。" if level >= 4 else "",
                )
            consensus_record(
                invitation=invitation,
                by=approver,
                recommendation=recommend[invitation.pk],
                rank=booked.index(invitation) + 1,
                text=CONSENSUS[levels[invitation.pk] >= 4],
            )

        # 採用 up to the headcount, then one or two 補欠 (keeping one 不採用 when there are enough), the rest 不採用.
        remaining = len(booked) - role.headcount
        reserves = min(2, max(1, remaining - 1)) if remaining > 0 else 0
        for rank, invitation in enumerate(booked):
            if rank < role.headcount:
                outcome, reason, text = S.SELECTED, Reason.STRONG_FIT, "面接で連載の構成と取材計画を具体的に示した。"
            elif rank < role.headcount + reserves:
                outcome, reason, text = S.RESERVE, Reason.HEADCOUNT, "評価は高く、採用者が辞退した場合に繰り上げる。"
            else:
                outcome, reason, text = S.NOT_SELECTED, Reason.INTERVIEW, "面接の評価が他の候補者に及ばなかった。"
            final_decision(
                candidacy=invitation.candidacy, by=approver, outcome=outcome, reason=reason, reason_text=text
            )
        for invitation in invitations:
            if invitation.booking_id is None:
                final_decision(
                    candidacy=invitation.candidacy,
                    by=approver,
                    outcome=S.NOT_SELECTED,
                    reason=Reason.CONDITIONS,
                    reason_text="面接の日程の予約がなかった。",
                )

        if booked:
            thread = booked[min(1, len(booked) - 1)].candidacy
            message_send(
                candidacy=thread,
                by=contractor,
                body="面接では、これまでに書いた記事を1本、画面で見せていただけますか。",
            )
            message_answer(candidacy=thread, body="承知しました。市の広報誌に書いた記事をお見せします。")


def _summary(role: RolePage, *, done: bool) -> str:
    candidacies = Candidacy.objects.filter(role=role)
    counts = candidacies.aggregate(
        selected=Count("pk", filter=Q(status=S.SELECTED)),
        reserve=Count("pk", filter=Q(status=S.RESERVE)),
        not_selected=Count("pk", filter=Q(status=S.NOT_SELECTED)),
    )
    booked = InterviewInvitation.objects.filter(round__role=role, booking__isnull=False).count()
    state = "decided now" if done else "left as it is"
    return (
        f"{role.title}: {state} ({role_stage(role).label}); interviews booked {booked}; "
        f"採用 {counts['selected']}, 補欠 {counts['reserve']}, 不採用 {counts['not_selected']}"
    )
