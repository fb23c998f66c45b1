"""Panel scorecards, the consensus and the final decision with reasons (issue 20, the second half's end)."""

from __future__ import annotations

import pytest

from applications.interviews.decisions import final_decision, hire_decline, reserve_order_set, reserves
from applications.interviews.scorecards import DEFAULT_INTERVIEW_RUBRIC, consensus_record, scorecard_submit
from applications.models import AuditEntry, Candidacy, Consensus, FinalDecision, OutboxEmail, Scorecard
from applications.screening import visibility
from applications.screening.rules import Stage
from applications.screening.services import ScreeningError, role_stage
from tests.applications import factories as af
from tests.applications.panel_world import interviews_world
from tests.conftest import shared_world, site_content_now
from tests.recruitment import factories as rf

pytestmark = pytest.mark.django_db
S = Candidacy.Status
DECISION_KINDS = ("decision_selected", "decision_not_selected", "decision_reserve", "decision_promoted",
                  "decision_declined")  # fmt: skip


@shared_world
def interview_decisions_world():
    """The site content and roles with their interview rounds, built once for this file's tests (writes undone).

    ``w``: three shortlisted for one seat; ``four``: four for one seat; ``four_ja``/``four_en``: four who applied
    in that language.
    """
    site_content_now()
    return {
        "w": interviews_world(),
        "four": interviews_world(headcount=1, people=4),
        **{f"four_{lang}": interviews_world(headcount=1, people=4, languages=(lang,) * 4) for lang in ("ja", "en")},
    }


@pytest.fixture
def w(interview_decisions_world):
    return interview_decisions_world["w"]


def score_all(w, invitation, scores=(4, 5)):
    for member in (w.official, w.contractor):
        scorecard_submit(invitation=invitation, by=member, scores=list(scores), recommendation="select")


def mails(candidacy):
    return list(OutboxEmail.objects.filter(to=candidacy.application.applicant.email, kind__in=DECISION_KINDS))


# --- the interview rubric and the scorecards ---------------------------------------------------------


def test_a_scorecard_is_pinned_to_the_interview_rubric_of_its_first_save(w):
    invitation = w.invitations[0]
    card = scorecard_submit(invitation=invitation, by=w.official, scores=[4, 3], recommendation="select")
    assert [c["name"] for c in card.rubric] == ["意欲", "説明力"]
    w.role.interview_rubric = [("criterion", {"name": "別の項目", "weight": "1", "max_score": 10})]
    w.role.save()
    changed = scorecard_submit(invitation=invitation, by=w.official, scores=[5, 3], recommendation="reserve")
    assert [c["name"] for c in changed.rubric] == ["意欲", "説明力"]
    assert changed.scores == [5, 3]
    assert Scorecard.objects.filter(invitation=invitation).count() == 1
    # A new panel member's card takes the rubric as it is now.
    other = scorecard_submit(invitation=invitation, by=w.contractor, scores=[9], recommendation="select")
    assert [c["name"] for c in other.rubric] == ["別の項目"]
    assert AuditEntry.objects.filter(action="kobo.interview.scorecard_changed", candidacy=invitation.candidacy).exists()


def test_a_role_without_its_own_interview_rubric_is_scored_with_the_standard_one(w):
    world = w
    world.role.interview_rubric = []
    world.role.save()
    card = scorecard_submit(invitation=world.invitations[0], by=world.official, scores=[3, 3, 3, 3],
                            recommendation="select")  # fmt: skip
    assert [c["name"] for c in card.rubric] == [c["name"] for c in DEFAULT_INTERVIEW_RUBRIC]


def test_scores_must_fit_the_rubric(w):
    with pytest.raises(ScreeningError):
        scorecard_submit(invitation=w.invitations[0], by=w.official, scores=[6, 3], recommendation="select")
    with pytest.raises(ScreeningError):
        scorecard_submit(invitation=w.invitations[0], by=w.official, scores=[3], recommendation="select")
    with pytest.raises(ScreeningError):
        scorecard_submit(invitation=w.invitations[0], by=w.official, scores=[3, 3], recommendation="maybe")


def test_only_the_panel_scores(w):
    superuser = af.UserFactory(username="root", is_superuser=True, is_staff=True)
    for stranger in (w.approver, w.outsider, w.other_approver, superuser):
        with pytest.raises(ScreeningError):
            scorecard_submit(invitation=w.invitations[0], by=stranger, scores=[3, 3], recommendation="select")
    assert not Scorecard.objects.exists()


def test_colleagues_scores_stay_hidden_until_ones_own_is_in(w):
    invitation = w.invitations[0]
    scorecard_submit(invitation=invitation, by=w.contractor, scores=[2, 2], recommendation="not_select")
    assert not visibility.others_scorecards_visible(w.official, w.round, scored_by_me=False)
    scorecard_submit(invitation=invitation, by=w.official, scores=[4, 4], recommendation="select")
    assert visibility.others_scorecards_visible(w.official, w.round, scored_by_me=True)
    # The city's readers who do not score see them all; a contractor off the panel sees nothing of it.
    assert visibility.others_scorecards_visible(w.approver, w.round, scored_by_me=False)
    assert visibility.interview_visible(w.approver, w.call, w.round)
    assert not visibility.interview_visible(w.outsider, w.call, w.round)
    assert not visibility.interview_visible(w.other_approver, w.call, w.round)


def test_the_consensus_follows_every_members_scorecard_and_is_one_per_candidacy(w):
    invitation = w.invitations[0]
    scorecard_submit(invitation=invitation, by=w.official, scores=[4, 4], recommendation="select")
    with pytest.raises(ScreeningError):
        consensus_record(invitation=invitation, by=w.official, text="一致", recommendation="select", rank=1)
    scorecard_submit(invitation=invitation, by=w.contractor, scores=[5, 4], recommendation="select")
    with pytest.raises(ScreeningError):  # not on the panel
        consensus_record(invitation=invitation, by=w.approver, text="一致", recommendation="select", rank=1)
    consensus_record(invitation=invitation, by=w.official, text="具体的な企画", recommendation="select", rank=1)
    consensus_record(invitation=invitation, by=w.contractor, text="具体的な企画と実績", recommendation="select", rank=1)
    assert Consensus.objects.filter(invitation=invitation).count() == 1
    assert Consensus.objects.get(invitation=invitation).text == "具体的な企画と実績"


# --- the final decision -------------------------------------------------------------------------------


def test_no_decision_while_the_interviews_are_under_way(w):
    assert role_stage(w.role) == Stage.INTERVIEWS
    with pytest.raises(ScreeningError, match="面接"):
        final_decision(candidacy=w.people[0], by=w.approver, outcome="selected", reason="strong_fit")
    w.close_round()
    assert role_stage(w.role) == Stage.INTERVIEWED
    final_decision(candidacy=w.fresh(0), by=w.approver, outcome="selected", reason="strong_fit")
    assert role_stage(w.role) == Stage.DECIDED


def test_only_an_approver_of_the_city_decides(w):
    w.close_round()
    for who in (w.contractor, w.official, w.other_approver, w.outsider):
        with pytest.raises(ScreeningError):
            final_decision(candidacy=w.fresh(0), by=who, outcome="selected", reason="strong_fit")
    # An approver of the city who is also this call's contractor holds no approver power on it.
    both = af.staff("approver-and-contractor", "City approvers", organisation=w.call.organisation, call=w.call)
    with pytest.raises(ScreeningError):
        final_decision(candidacy=w.fresh(0), by=both, outcome="selected", reason="strong_fit")
    assert not FinalDecision.objects.exists()
    assert w.fresh(0).status == S.SHORTLISTED


def test_refusals_of_a_wrong_reason_a_full_role_and_a_second_decision(w):
    w.close_round()
    with pytest.raises(ScreeningError):
        final_decision(candidacy=w.fresh(0), by=w.approver, outcome="selected", reason="because")
    with pytest.raises(ScreeningError):
        final_decision(candidacy=w.fresh(0), by=w.approver, outcome="hired", reason="strong_fit")
    with pytest.raises(ScreeningError):  # "other" needs words
        final_decision(candidacy=w.fresh(0), by=w.approver, outcome="selected", reason="other")
    final_decision(candidacy=w.fresh(0), by=w.approver, outcome="selected", reason="strong_fit")
    with pytest.raises(ScreeningError, match="補欠"):  # headcount 1: every place is taken
        final_decision(candidacy=w.fresh(1), by=w.approver, outcome="selected", reason="strong_fit")
    with pytest.raises(ScreeningError):  # decided already
        final_decision(candidacy=w.fresh(0), by=w.approver, outcome="not_selected", reason="skills")
    assert FinalDecision.objects.count() == 1


def test_a_role_without_interviews_decides_after_its_approved_shortlist(w):
    world = w
    world.round.status = "cancelled"  # the round was cancelled (a role with no live round)
    world.round.save()
    final_decision(candidacy=world.fresh(0), by=world.approver, outcome="not_selected", reason="skills")
    assert world.fresh(0).status == S.NOT_SELECTED


def test_each_outcome_is_told_once_kindly_and_the_reason_only_when_shared(w):
    w.close_round()
    final_decision(candidacy=w.fresh(0), by=w.approver, outcome="selected", reason="interview",
                   reason_text="企画の具体性が際立っていました。", share_reason=True)  # fmt: skip
    final_decision(candidacy=w.fresh(1), by=w.approver, outcome="reserve", reason="headcount",
                   reason_text="内部メモ: 次点", share_reason=False)  # fmt: skip
    final_decision(candidacy=w.fresh(2), by=w.approver, outcome="not_selected", reason="skills",
                   reason_text="動画編集の経験がまだ少ない。", share_reason=True)  # fmt: skip
    kinds = [[m.kind for m in mails(w.people[i])] for i in range(3)]
    assert kinds == [["decision_selected"], ["decision_reserve"], ["decision_not_selected"]]
    selected, reserve, not_selected = (mails(w.people[i])[0] for i in range(3))
    assert "企画の具体性が際立っていました。" in selected.body
    assert "内部メモ" not in reserve.body
    assert "動画編集の経験がまだ少ない。" in not_selected.body
    assert "補欠" in reserve.body or "reserve" in reserve.body
    assert [d.outcome for d in FinalDecision.objects.order_by("pk")] == ["selected", "reserve", "not_selected"]


@pytest.mark.parametrize("language", ["ja", "en"])
def test_no_decision_mail_ever_says_failed(interview_decisions_world, language):
    world = interview_decisions_world[f"four_{language}"]
    world.close_round()
    final_decision(candidacy=world.fresh(0), by=world.approver, outcome="selected", reason="strong_fit",
                   share_reason=True)  # fmt: skip
    final_decision(candidacy=world.fresh(1), by=world.approver, outcome="reserve", reason="headcount",
                   share_reason=True)  # fmt: skip
    final_decision(candidacy=world.fresh(2), by=world.approver, outcome="not_selected", reason="skills",
                   share_reason=True)  # fmt: skip
    final_decision(candidacy=world.fresh(3), by=world.approver, outcome="reserve", reason="headcount")
    hire_decline(candidacy=world.fresh(0), by=None)
    sent = list(OutboxEmail.objects.filter(kind__in=DECISION_KINDS))
    assert {m.kind for m in sent} == set(DECISION_KINDS)
    for message in sent:
        assert message.language == language
        for text in (message.subject, message.body, message.html_body):
            assert "不合格" not in text, message.kind
            assert "fail" not in text.lower(), message.kind
            assert "{" not in text, message.kind


def test_a_hire_who_declines_frees_the_seat_for_the_first_reserve_told_once_each(interview_decisions_world):
    world = interview_decisions_world["four"]
    world.close_round()
    final_decision(candidacy=world.fresh(0), by=world.approver, outcome="selected", reason="strong_fit")
    final_decision(candidacy=world.fresh(1), by=world.approver, outcome="reserve", reason="headcount")
    final_decision(candidacy=world.fresh(2), by=world.approver, outcome="reserve", reason="headcount")
    final_decision(candidacy=world.fresh(3), by=world.approver, outcome="not_selected", reason="skills")
    # The approver puts the second reserve first.
    reserve_order_set(role=world.role, by=world.approver, order=[world.people[2].pk])
    assert [c.pk for c in reserves(world.role)] == [world.people[2].pk, world.people[1].pk]

    promoted = hire_decline(candidacy=world.fresh(0), by=None)

    assert promoted is not None
    assert promoted.pk == world.people[2].pk
    assert world.fresh(0).status == S.DECLINED
    assert world.fresh(2).status == S.SELECTED
    assert world.fresh(1).status == S.RESERVE
    assert [m.kind for m in mails(world.people[0])] == ["decision_selected", "decision_declined"]
    assert [m.kind for m in mails(world.people[2])] == ["decision_reserve", "decision_promoted"]
    assert [m.kind for m in mails(world.people[1])] == ["decision_reserve"]
    assert [m.kind for m in mails(world.people[3])] == ["decision_not_selected"]
    # Declining again changes nothing and tells nobody anything more.
    with pytest.raises(ScreeningError):
        hire_decline(candidacy=world.fresh(0), by=None)
    assert OutboxEmail.objects.filter(kind__in=DECISION_KINDS).count() == 6
    assert AuditEntry.objects.filter(action="kobo.interview.promoted", candidacy=world.people[2]).count() == 1


def test_staff_record_a_decline_and_the_next_reserve_moves_up_by_consensus_rank(w):
    world = w
    for i, invitation in enumerate(world.invitations):
        score_all(world, invitation)
        consensus_record(invitation=invitation, by=world.official, text="所見", recommendation="reserve", rank=3 - i)
    world.close_round()
    final_decision(candidacy=world.fresh(0), by=world.approver, outcome="selected", reason="strong_fit")
    final_decision(candidacy=world.fresh(1), by=world.approver, outcome="reserve", reason="headcount")
    final_decision(candidacy=world.fresh(2), by=world.approver, outcome="reserve", reason="headcount")
    FinalDecision.objects.filter(outcome="reserve").update(reserve_order=None)  # no order set: consensus rank
    with pytest.raises(ScreeningError):  # a contractor cannot record it
        hire_decline(candidacy=world.fresh(0), by=world.contractor)
    promoted = hire_decline(candidacy=world.fresh(0), by=world.approver, note="電話で辞退の連絡")
    assert promoted.pk == world.people[2].pk  # consensus rank 1


def test_a_decline_with_no_reserve_promotes_nobody(w):
    w.close_round()
    final_decision(candidacy=w.fresh(0), by=w.approver, outcome="selected", reason="strong_fit")
    assert hire_decline(candidacy=w.fresh(0), by=None) is None
    assert w.fresh(0).status == S.DECLINED


def test_other_city_candidacy_cannot_be_decided_by_this_citys_approver(w):
    world = w
    other = rf.role(rf.call(), title="他市の業務")
    stranger = af.candidacy(other, status=S.SHORTLISTED)
    with pytest.raises(ScreeningError):
        final_decision(candidacy=stranger, by=world.approver, outcome="selected", reason="strong_fit")
