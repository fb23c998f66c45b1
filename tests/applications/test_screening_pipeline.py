"""The status table walked move by move, the rules around it, reviews and the shortlist approval."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
from django.utils import timezone

from applications.interviews.decisions import final_decision
from applications.models import AuditEntry, Candidacy, FinalDecision, Review, Shortlist
from applications.screening.reviewing import review_submit
from applications.screening.rules import ALLOWED_TRANSITIONS, DECISIONS, REASONED
from applications.screening.services import (
    ScreeningError,
    TransitionConflict,
    candidacy_transition,
    shortlist_decide,
    shortlist_for,
    shortlist_submit,
)
from applications.staff import APPLICANT, APPROVER, CITY_APPROVERS, CONTRACTOR, OFFICIALS, SCREENING_CONTRACTORS
from tests.applications import factories as af
from tests.concurrency import at_once, require_postgresql
from tests.conftest import shared_world, site_content_now
from tests.recruitment import factories as f

S = Candidacy.Status
pytestmark = pytest.mark.django_db


@shared_world
def screening_pipeline_world():
    """A call with a closed and an open role and its three staff, built once for the file's tests in a row."""
    site_content_now()
    call = f.call()
    closed_role = f.role(call, closes_at=timezone.now() - timedelta(hours=1), headcount=1)
    open_role = f.role(call, closes_at=timezone.now() + timedelta(days=3))
    contractor = af.staff("contractor", SCREENING_CONTRACTORS, call=call)
    approver = af.staff("city-approver", CITY_APPROVERS, organisation=call.organisation)
    official = af.staff("city-official", OFFICIALS, organisation=call.organisation)
    return {
        "call": call,
        "role": closed_role,
        "open_role": open_role,
        "contractor": contractor,
        "approver": approver,
        "official": official,
    }


@pytest.fixture
def world(screening_pipeline_world):
    return screening_pipeline_world


def _at(world, status):
    candidacy = af.candidacy(world["role"], status=status)
    if status in {S.SELECTED, S.NOT_SELECTED}:
        Shortlist.objects.update_or_create(role=world["role"], defaults={"status": Shortlist.Status.APPROVED})
    return candidacy


EVERY_MOVE = list(itertools.product(S.values, S.values))


@pytest.mark.parametrize(("frm", "to"), EVERY_MOVE)
def test_the_table_decides_every_move(world, frm, to):
    """Walk all 49 pairs: allowed ones succeed for the right actor, others are refused and change nothing."""
    allowed_for = ALLOWED_TRANSITIONS.get((frm, to), set())
    if to in DECISIONS:  # the final decision (and a hire's decline) needs the approved shortlist
        Shortlist.objects.update_or_create(role=world["role"], defaults={"status": Shortlist.Status.APPROVED})
    candidacy = af.candidacy(world["role"], status=frm)
    actor = world["approver"] if APPROVER in allowed_for else world["contractor"]
    if allowed_for - {APPLICANT}:
        # 採用 / 不採用 / 補欠 move with their recorded decision (the one way there: interviews.decisions).
        decision = _recorded(candidacy, to, actor) if to in REASONED else None
        moved = candidacy_transition(candidacy=candidacy, to=to, by=actor, reason="test", decision=decision)
        assert moved.status == to
        assert moved.version == candidacy.version + 1
        entry = AuditEntry.objects.get(action="kobo.candidacy.status", candidacy=candidacy)
        assert entry.data["to_status"] == to
        assert entry.user == actor
    else:
        with pytest.raises(ScreeningError):
            candidacy_transition(candidacy=candidacy, to=to, by=actor)
        candidacy.refresh_from_db()
        assert candidacy.status == frm


def _recorded(candidacy, outcome, by, reason="strong_fit"):
    return FinalDecision.objects.create(candidacy=candidacy, outcome=outcome, reason=reason, decided_by=by)


@pytest.mark.parametrize(("frm", "to"), [m for m in ALLOWED_TRANSITIONS if m[1] in REASONED])
def test_no_final_decision_moves_without_its_recorded_reason(world, frm, to):
    """However it is called (a screening page, the bulk action, a script), 採用 / 不採用 / 補欠 need their decision."""
    approver = world["approver"]
    candidacy = _at(world, frm)
    Shortlist.objects.update_or_create(role=world["role"], defaults={"status": Shortlist.Status.APPROVED})
    other = S.NOT_SELECTED if to != S.NOT_SELECTED else S.SELECTED
    for decision in (None, _recorded(candidacy, other, approver), _recorded(af.candidacy(world["role"]), to, approver)):
        with pytest.raises(ScreeningError, match="理由"):
            candidacy_transition(candidacy=candidacy, to=to, by=approver, reason="面接の結果", decision=decision)
    candidacy.refresh_from_db()
    assert candidacy.status == frm
    assert not AuditEntry.objects.filter(action="kobo.candidacy.status", candidacy=candidacy).exists()
    moved = candidacy_transition(candidacy=candidacy, to=to, by=approver, decision=_recorded(candidacy, to, approver))
    assert moved.status == to


@pytest.mark.parametrize(("frm", "to"), [m for m, who in ALLOWED_TRANSITIONS.items() if CONTRACTOR in who])
def test_officials_cannot_move_candidacies(world, frm, to):
    candidacy = af.candidacy(world["role"], status=frm)
    with pytest.raises(ScreeningError):
        candidacy_transition(candidacy=candidacy, to=to, by=world["official"])


def test_no_shortlisting_while_the_role_is_open(world):
    candidacy = af.candidacy(world["open_role"], status=S.IN_REVIEW)
    with pytest.raises(ScreeningError, match="締切後"):
        candidacy_transition(candidacy=candidacy, to=S.SHORTLISTED, by=world["contractor"])


def test_shortlist_is_limited_to_headcount_times_factor(world):
    # headcount 1 × factor 2 = at most two
    first, second, third = (af.candidacy(world["role"], status=S.IN_REVIEW) for _ in range(3))
    for c in (first, second):
        candidacy_transition(candidacy=c, to=S.SHORTLISTED, by=world["contractor"])
    with pytest.raises(ScreeningError, match="2人"):
        candidacy_transition(candidacy=third, to=S.SHORTLISTED, by=world["contractor"])


def test_a_stale_change_gets_a_conflict_with_the_current_state(world):
    candidacy = af.candidacy(world["role"], status=S.IN_REVIEW)
    stale = Candidacy.objects.get(pk=candidacy.pk)
    candidacy_transition(candidacy=candidacy, to=S.REJECTED, by=world["contractor"])
    with pytest.raises(TransitionConflict) as conflict:
        candidacy_transition(candidacy=stale, to=S.SHORTLISTED, by=world["contractor"])
    assert conflict.value.current.status == S.REJECTED
    stale.refresh_from_db()
    assert stale.status == S.REJECTED


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_changes_give_one_winner_and_one_conflict(transactional_db):
    require_postgresql("needs PostgreSQL (CI runs it)")
    from tests.conftest import restore_migration_data

    restore_migration_data()
    site_content_now()
    call = f.call()
    role = f.role(call, closes_at=timezone.now() - timedelta(hours=1))
    contractor = af.staff("c1", SCREENING_CONTRACTORS, call=call)
    colleague = af.staff("c2", SCREENING_CONTRACTORS, call=call)
    candidacy = af.candidacy(role, status=S.IN_REVIEW)
    # Each reads the candidacy before the race starts, so both try to move the same version.
    read = [Candidacy.objects.select_related("application__call", "role").get(pk=candidacy.pk) for _ in range(2)]

    def change(move):
        mine, user, to = move
        try:
            candidacy_transition(candidacy=mine, to=to, by=user)
            return f"won:{to}"
        except TransitionConflict as exc:
            return f"conflict:{exc.current.status}"

    outcomes = at_once(change, [(read[0], contractor, S.SHORTLISTED), (read[1], colleague, S.REJECTED)], timeout=30)
    final = Candidacy.objects.get(pk=candidacy.pk)
    assert sorted(o.split(":")[0] for o in outcomes) == ["conflict", "won"]
    winner = next(o for o in outcomes if o.startswith("won")).split(":")[1]
    loser_saw = next(o for o in outcomes if o.startswith("conflict")).split(":")[1]
    assert final.status == winner == loser_saw
    assert final.version == 2
    assert AuditEntry.objects.filter(action="kobo.candidacy.status", candidacy=candidacy).count() == 1


def test_review_pins_the_rubric_and_updates_the_aggregate(world):
    role = world["role"]
    candidacy = af.candidacy(role)
    criteria = len(list(role.rubric))
    review_submit(
        candidacy=candidacy, reviewer=world["contractor"], scores=[5] * criteria, comment="良い", recommendation="yes"
    )
    candidacy.refresh_from_db()
    assert candidacy.status == S.IN_REVIEW
    assert candidacy.score == 5
    assert candidacy.review_count == 1

    role.rubric = [("criterion", {"name": "新しい基準", "weight": "1", "max_score": 5})] * (criteria + 1)
    role.save()
    review_submit(
        candidacy=candidacy, reviewer=world["contractor"], scores=[3] * criteria, comment="再考", recommendation="maybe"
    )
    review = Review.objects.get(candidacy=candidacy)
    assert len(review.rubric) == criteria  # still the rubric it was written against
    assert review.rubric[0]["name"] != "新しい基準"


def test_disagreement_is_flagged(world):
    other = af.staff("contractor2", SCREENING_CONTRACTORS, call=world["call"])
    candidacy = af.candidacy(world["role"])
    n = len(list(world["role"].rubric))
    review_submit(candidacy=candidacy, reviewer=world["contractor"], scores=[5] * n, comment="", recommendation="yes")
    review_submit(candidacy=candidacy, reviewer=other, scores=[3] * n, comment="", recommendation="no")
    candidacy.refresh_from_db()
    assert candidacy.disagreement is True
    assert candidacy.score == 4


def test_scores_out_of_range_are_refused(world):
    candidacy = af.candidacy(world["role"])
    n = len(list(world["role"].rubric))
    with pytest.raises(ScreeningError):
        review_submit(
            candidacy=candidacy, reviewer=world["contractor"], scores=[6] * n, comment="", recommendation="yes"
        )
    with pytest.raises(ScreeningError):
        review_submit(candidacy=candidacy, reviewer=world["official"], scores=[3] * n, comment="", recommendation="yes")


def test_shortlist_submitted_approved_then_final_selection(world):
    contractor, approver = world["contractor"], world["approver"]
    candidacy = af.candidacy(world["role"], status=S.IN_REVIEW)
    with pytest.raises(ScreeningError):
        shortlist_submit(role=world["role"], by=contractor)  # nothing shortlisted yet
    candidacy = candidacy_transition(candidacy=candidacy, to=S.SHORTLISTED, by=contractor)
    with pytest.raises(ScreeningError):
        final_decision(candidacy=candidacy, by=approver, outcome=S.SELECTED, reason="strong_fit")  # not approved yet
    shortlist_submit(role=world["role"], by=contractor)
    with pytest.raises(ScreeningError, match="提出済み"):
        candidacy_transition(candidacy=candidacy, to=S.IN_REVIEW, by=contractor)  # frozen once submitted
    with pytest.raises(ScreeningError):
        # a return needs a reason
        shortlist_decide(shortlist=shortlist_for(world["role"]), by=approver, approve=False, comment="")
    shortlist_decide(shortlist=shortlist_for(world["role"]), by=approver, approve=True)
    assert Shortlist.objects.get(role=world["role"]).status == Shortlist.Status.APPROVED
    final_decision(candidacy=candidacy, by=approver, outcome=S.SELECTED, reason="strong_fit")
    assert Candidacy.objects.get(pk=candidacy.pk).status == S.SELECTED


def test_a_returned_shortlist_can_be_changed_and_resubmitted(world):
    contractor, approver = world["contractor"], world["approver"]
    candidacy = candidacy_transition(
        candidacy=af.candidacy(world["role"], status=S.IN_REVIEW), to=S.SHORTLISTED, by=contractor
    )
    shortlist_submit(role=world["role"], by=contractor)
    shortlist_decide(shortlist=shortlist_for(world["role"]), by=approver, approve=False, comment="経験の確認を")
    candidacy_transition(candidacy=candidacy, to=S.IN_REVIEW, by=contractor)
    with pytest.raises(ScreeningError):
        shortlist_submit(role=world["role"], by=contractor)  # nothing shortlisted any more
    assert Shortlist.objects.get(role=world["role"]).comment == "経験の確認を"


def test_reviews_against_different_rubrics_are_each_scored_by_their_own(world):
    role = world["role"]
    other = af.staff("contractor3", SCREENING_CONTRACTORS, call=world["call"])
    candidacy = af.candidacy(role)
    n = len(list(role.rubric))
    review_submit(candidacy=candidacy, reviewer=world["contractor"], scores=[5] * n, comment="", recommendation="yes")
    role.rubric = [("criterion", {"name": "追加", "weight": "1", "max_score": 5})] * (n + 1)
    role.save()
    candidacy.role.refresh_from_db()
    review_submit(candidacy=candidacy, reviewer=other, scores=[1] * (n + 1), comment="", recommendation="no")
    candidacy.refresh_from_db()
    assert candidacy.score == 3  # mean of 5.00 and 1.00, each against its own rubric
    assert candidacy.disagreement is False  # points on different rubrics are not compared
