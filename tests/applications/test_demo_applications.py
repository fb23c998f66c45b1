"""Generated applications for the Kobe demo: shape, idempotence, reviews and the loader command."""

from __future__ import annotations

import html
import io
import re
from collections import Counter, defaultdict
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db.models import Count
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from applications.demo import ensure_demo_screening, generate_demo_applications
from applications.intake.text import digits, is_katakana, name_key
from applications.interviews.decisions import CHOSEN_REASONS
from applications.models import (
    Applicant,
    Application,
    Assignment,
    AuditEntry,
    Candidacy,
    CandidacyMessage,
    Consensus,
    FinalDecision,
    InterviewInvitation,
    InterviewRound,
    OrganisationMember,
    OutboxEmail,
    Review,
)
from applications.screening.rubric import rubric_snapshot
from applications.screening.rules import DECISIONS, PASSED, Stage
from applications.screening.scoring import aggregate_scores
from applications.screening.services import candidacy_transition, role_stage, shortlist_submit
from applications.staff import SCREENING_CONTRACTORS
from exports.documents.decision_pack_interviews import interview_stage
from recruitment.demo import demo_calls, ensure_kobe_demo
from recruitment.models import RolePage
from tests.conftest import demo_site, shared_world

pytestmark = pytest.mark.django_db

REFERENCE = re.compile(r"^KOBE-[23456789A-HJKMNP-Z]{6}$")


@pytest.fixture
def kobe(kobe_demo):
    return kobe_demo


@pytest.fixture
def reviewers(db):
    """The two demo screeners of the Kobe call the test's world holds (with or without applications)."""
    users = ensure_demo_screening(demo_calls()[0])
    return [users["screener"], users["screener2"]]


@shared_world
def kobe_generated():
    """The Kobe demo with 300 generated applications reviewed by two screeners: built once, read by many tests."""
    demo_site()
    kobe = ensure_kobe_demo()
    users = ensure_demo_screening(kobe)
    assert generate_demo_applications(call=kobe, count=300, reviewers=[users["screener"], users["screener2"]]) == 300
    return kobe


@pytest.fixture
def generated(kobe_generated):
    return kobe_generated


def totals(call):
    return (
        Application.objects.filter(call=call).count(),
        Applicant.objects.count(),
        Candidacy.objects.filter(application__call=call).count(),
        Review.objects.count(),
    )


def test_creates_the_count_then_nothing_more(generated):
    before = totals(generated)
    assert before[0] == 300
    assert Application.objects.filter(call=generated, answers__demo=True).count() == 300

    assert generate_demo_applications(call=generated, count=300) == 0
    assert generate_demo_applications(call=generated, count=200) == 0
    assert totals(generated) == before


def test_tops_up_to_a_larger_count_with_new_emails(generated):
    assert generate_demo_applications(call=generated, count=340) == 40
    assert Application.objects.filter(call=generated, answers__demo=True).count() == 340
    # A new person never gets an address an earlier person has: one name per address.
    shared = Applicant.objects.values("email_key").annotate(names=Count("name_key", distinct=True))
    assert not shared.filter(names__gt=1).exists()


def test_some_people_apply_more_than_once(generated):
    people = Applicant.objects.values("email_key").distinct().count()
    # Kobe: 1,026 applications from 912 people.
    assert 0.8 * 300 < people < 300
    # Each application keeps its own applicant row (the identity as given in it).
    assert Applicant.objects.count() == Application.objects.count()
    assert not Applicant.objects.annotate(n=Count("applications")).filter(n__gt=1).exists()


def test_every_application_has_one_to_three_ranked_distinct_roles(generated):
    role_ids = {role.pk for role in generated.roles()}
    per_application = defaultdict(list)
    for application_id, rank, role_id in Candidacy.objects.values_list("application_id", "rank", "role_id"):
        per_application[application_id].append((rank, role_id))
    applications = Application.objects.filter(call=generated)
    assert set(per_application) == set(applications.values_list("pk", flat=True))
    sizes = Counter()
    for application in applications:
        ranked = sorted(per_application[application.pk])
        assert 1 <= len(ranked) <= 3
        assert [rank for rank, _ in ranked] == list(range(1, len(ranked) + 1))
        roles = [role_id for _, role_id in ranked]
        assert len(set(roles)) == len(roles)
        assert set(roles) <= role_ids
        assert application.answers["roles"] == roles
        sizes[len(ranked)] += 1
    assert set(sizes) == {1, 2, 3}


def test_applications_were_made_while_their_roles_were_open(generated):
    now = timezone.now()
    for candidacy in Candidacy.objects.select_related("application", "role"):
        submitted = candidacy.application.submitted_at
        assert submitted <= now
        assert candidacy.role.opens_at <= submitted < candidacy.role.closes_at
        assert candidacy.created_at == submitted
    first_days = Application.objects.filter(
        submitted_at__lt=min(r.opens_at for r in generated.roles()) + timedelta(days=8)
    )
    assert first_days.count() > 0.7 * 300


def test_answers_look_like_the_wizards(generated):
    for application in Application.objects.filter(call=generated):
        answers = application.answers
        assert set(answers) == {"roles", "check", "experience", "portfolio_links", "sidework", "consent", "demo"}
        assert answers["consent"] is True
        assert answers["demo"] is True
        assert {"hours_per_week", "online_ok", "pay_understood"} <= set(answers["check"])
        assert set(answers["experience"]) == {"occupation", "experience", "strengths", "hobbies"}
        assert answers["experience"]["experience"]
        assert set(answers["sidework"]) == {
            "employer_permission",
            "public_servant",
            "public_servant_permission",
            "conflicts",
            "no_antisocial_ties",
            "invoice_number",
        }
        assert answers["sidework"]["no_antisocial_ties"] is True
        if answers["sidework"]["public_servant"]:
            assert answers["sidework"]["public_servant_permission"]
        assert application.consent_notice_version == generated.personal_data_notice_version
        assert application.consented_at <= application.submitted_at
    hashes = list(Application.objects.values_list("manage_token_hash", flat=True))
    assert len(set(hashes)) == len(hashes)
    assert all(re.fullmatch(r"[0-9a-f]{64}", h) for h in hashes)


def test_emails_are_unique_demo_addresses(generated):
    emails = list(Applicant.objects.values_list("email", "email_key"))
    for email, key in emails:
        assert re.fullmatch(r"demo-\d{4,}@example\.jp", email)
        assert key == email.lower()


def test_applicants_look_japanese_and_mostly_from_hyogo(generated):
    applicants = list(Applicant.objects.all())
    names = "".join(a.family_name for a in applicants)
    assert any(ch in names for ch in "髙﨑𠮷")
    assert all(is_katakana(a.family_name_kana) and is_katakana(a.given_name_kana) for a in applicants)
    assert all(a.name_key == name_key(a.family_name, a.given_name) for a in applicants)
    assert all(10 <= len(digits(a.phone)) <= 11 and a.phone.startswith("0") for a in applicants)
    assert all(re.fullmatch(r"\d{3}-\d{4}", a.postal_code) for a in applicants)
    hyogo = sum(a.prefecture == "兵庫県" for a in applicants) / len(applicants)
    assert 0.35 < hyogo < 0.55


def test_references_are_unique_and_well_formed(generated):
    references = list(Application.objects.values_list("reference", flat=True))
    assert len(set(references)) == len(references) == 300
    assert all(REFERENCE.match(reference) for reference in references)


def test_newsletter_serial_is_the_most_wanted_and_every_role_has_some(generated):
    counts = Counter(Candidacy.objects.values_list("role__slug", flat=True))
    roles = list(generated.roles())
    assert {role.slug for role in roles} == set(counts)  # closed roles included
    assert counts.most_common(1)[0][0] == "newsletter-serial"
    assert all(counts[role.slug] >= 5 for role in roles)


def test_no_two_live_candidacies_for_the_same_applicant_and_role(generated):
    live = Candidacy.objects.exclude(status=Candidacy.Status.WITHDRAWN)
    assert not live.filter(email_key__isnull=True).exists()
    assert not live.values("email_key", "role").annotate(n=Count("pk")).filter(n__gt=1).exists()


def test_a_few_candidacies_are_withdrawn(generated):
    candidacies = Candidacy.objects.all()
    withdrawn = candidacies.filter(status=Candidacy.Status.WITHDRAWN)
    assert 0 < withdrawn.count() < 0.08 * candidacies.count()
    for candidacy in withdrawn.select_related("application"):
        assert candidacy.application.submitted_at < candidacy.withdrawn_at <= timezone.now()
        assert not candidacy.reviews.exists()


def test_reviews_score_within_the_rubric(generated):
    assert Review.objects.exists()
    for review in Review.objects.select_related("candidacy__role"):
        assert review.rubric == rubric_snapshot(review.candidacy.role)
        assert len(review.scores) == len(review.rubric)
        for score, criterion in zip(review.scores, review.rubric, strict=True):
            assert 1 <= score <= criterion["max_score"]
        assert review.recommendation in Review.Recommendation.values
        assert review.candidacy.application.submitted_at < review.submitted_at <= timezone.now()


def test_the_first_reviewer_does_about_a_third_and_the_second_less(generated, reviewers):
    first, second = reviewers
    live = Candidacy.objects.exclude(status=Candidacy.Status.WITHDRAWN).count()
    by_first = Review.objects.filter(reviewer=first).count()
    by_second = Review.objects.filter(reviewer=second).count()
    assert 0.25 * live < by_first < 0.42 * live
    assert 0 < by_second < by_first
    assert Candidacy.objects.filter(review_count=2).exists()


def test_candidacy_score_and_disagreement_follow_aggregate_scores(generated):
    reviews = defaultdict(list)
    for review in Review.objects.order_by("pk"):
        reviews[review.candidacy_id].append(review)
    for candidacy in Candidacy.objects.all():
        mine = reviews.get(candidacy.pk, [])
        assert candidacy.review_count == len(mine)
        if not mine:
            assert (candidacy.score, candidacy.disagreement) == (None, False)
            assert candidacy.status in {Candidacy.Status.SUBMITTED, Candidacy.Status.WITHDRAWN}
            continue
        assert candidacy.status == Candidacy.Status.IN_REVIEW
        assert (candidacy.score, candidacy.disagreement) == aggregate_scores([r.scores for r in mine], mine[0].rubric)
    assert Candidacy.objects.filter(disagreement=True).exists()
    assert Candidacy.objects.filter(review_count=2, disagreement=False).exists()


def test_the_demo_leaves_the_audit_trail_and_the_mail_of_real_use(generated):
    now = timezone.now()
    moved = Candidacy.objects.exclude(status=Candidacy.Status.SUBMITTED)
    entries = AuditEntry.objects.filter(action="kobo.candidacy.status").select_related("candidacy__application")
    assert entries.count() == moved.count() > 0  # one status move each: submitted → in review or withdrawn
    for entry in entries:
        assert entry.candidacy.application.submitted_at < entry.timestamp <= now
        if entry.data["to_status"] == Candidacy.Status.WITHDRAWN:
            assert (entry.data["by"], entry.user_id) == ("applicant", None)
            assert entry.timestamp == entry.candidacy.withdrawn_at
        else:
            assert entry.data["to_status"] == Candidacy.Status.IN_REVIEW
            assert entry.user_id is not None
    reviews = AuditEntry.objects.filter(action="kobo.candidacy.review")
    assert reviews.count() == Review.objects.count()
    submitted = dict(Application.objects.values_list("pk", "submitted_at"))
    confirmations = OutboxEmail.objects.filter(kind="confirmation")
    assert confirmations.count() == len(submitted)
    for key, created_at in confirmations.values_list("key", "created_at"):
        assert created_at == submitted[int(key.rsplit(":", 1)[1])]
    assert OutboxEmail.objects.filter(kind="withdrawal").exists()
    assert not OutboxEmail.objects.filter(sent_at__isnull=True).exists()  # the demo addresses receive nothing


def test_without_reviewers_nothing_is_reviewed(kobe):
    assert generate_demo_applications(call=kobe, count=40) == 40
    assert not Review.objects.exists()
    assert set(Candidacy.objects.values_list("status", flat=True)) <= {"submitted", "withdrawn"}


def test_ensure_demo_screening_gives_access_once(kobe, settings):
    ensure_demo_screening(kobe)
    users = ensure_demo_screening(kobe)
    assert set(users) == {"screener", "screener2", "approver", "official"}
    assert set(Assignment.objects.filter(call=kobe).values_list("user__username", flat=True)) == {
        "screener",
        "screener2",
    }
    assert set(
        OrganisationMember.objects.filter(organisation=kobe.organisation).values_list("user__username", flat=True)
    ) == {"approver", "official"}
    screener2 = users["screener2"]
    assert list(screener2.groups.values_list("name", flat=True)) == [SCREENING_CONTRACTORS]
    assert screener2.check_password(settings.KOBO_DEMO_PASSWORD)
    assert not screener2.is_staff


def test_ensure_demo_screening_makes_no_user_when_demo_data_is_not_allowed(kobe, settings):
    settings.KOBO_DEMO_ALLOWED = False
    users = ensure_demo_screening(kobe)
    assert "screener2" not in users
    assert not get_user_model().objects.filter(username="screener2").exists()
    assert Assignment.objects.filter(call=kobe, user__username="screener").exists()


def test_command_refuses_without_demo_settings(kobe, settings):
    settings.KOBO_DEMO_ALLOWED = False
    with pytest.raises(CommandError, match="only for local settings"):
        call_command("load_demo_applications", stdout=io.StringIO())
    assert not Application.objects.exists()


def test_command_leaves_a_role_whose_shortlist_a_visitor_already_submitted(kobe):
    users = ensure_demo_screening(kobe)
    generate_demo_applications(call=kobe, count=60, reviewers=[users["screener2"]])
    role = RolePage.objects.child_of(kobe).get(slug="newsletter-serial")
    candidacy = Candidacy.objects.filter(role=role, status=Candidacy.Status.IN_REVIEW).first()
    candidacy_transition(candidacy=candidacy, to=Candidacy.Status.SHORTLISTED, by=users["screener"])
    shortlist_submit(role=role, by=users["screener"])

    out = io.StringIO()
    call_command("load_demo_applications", "--count", "60", stdout=out)
    assert "left as it is" in out.getvalue()
    assert role_stage(role) == Stage.SUBMITTED
    assert not InterviewRound.objects.filter(role=role).exists()


@shared_world
def kobe_after_the_command():
    """The Kobe demo after `load_demo_applications --count 60` and what it printed: built once for the next tests."""
    demo_site()
    kobe = ensure_kobe_demo()
    out = io.StringIO()
    call_command("load_demo_applications", "--count", "60", stdout=out)
    return kobe, out.getvalue()


def test_command_loads_and_is_idempotent(kobe_after_the_command):
    kobe, printed = kobe_after_the_command
    assert "Created 60 demo applications" in printed
    assert Review.objects.exists()
    assert set(Review.objects.values_list("reviewer__username", flat=True)) == {"screener2"}
    before = totals(kobe)
    out = io.StringIO()
    call_command("load_demo_applications", "--count", "60", stdout=out)
    assert "nothing created" in out.getvalue()
    assert totals(kobe) == before


def test_command_takes_the_closed_newsletter_role_through_interviews_to_a_decision(kobe_after_the_command):
    """What a visitor of `make run` sees of the second half: one role decided after interviews, the rest untouched."""
    kobe, printed = kobe_after_the_command
    assert "interviews and decision: " in printed
    role = RolePage.objects.child_of(kobe).get(slug="newsletter-serial")
    assert role_stage(role) == Stage.DECIDED

    interview_round = InterviewRound.objects.get(role=role)
    assert interview_round.status == InterviewRound.Status.CLOSED
    assert interview_round.slots.exclude(video_url__startswith="https://").count() == 0
    invitations = list(InterviewInvitation.objects.filter(round=interview_round).select_related("booking"))
    booked = [i for i in invitations if i.booking is not None]
    assert booked
    assert any(i.booking.accommodation for i in booked)
    panel = set(interview_round.panel.values_list("username", flat=True))
    assert panel == {"approver", "official"}
    for invitation in booked:
        assert set(invitation.scorecards.values_list("panelist__username", flat=True)) == panel
        assert Consensus.objects.filter(invitation=invitation).exists()

    decided = Candidacy.objects.filter(role=role, status__in=DECISIONS)
    assert decided.filter(status=Candidacy.Status.SELECTED).count() == role.headcount
    # 採用, 補欠 and 不採用 after the interviews, each recorded with a reason from the list and its text.
    S = Candidacy.Status
    assert {c.status for c in decided} == {S.SELECTED, S.RESERVE, S.NOT_SELECTED}
    interviewed_not_selected = decided.filter(status=S.NOT_SELECTED, interview_invitations__booking__isnull=False)
    assert interviewed_not_selected.exists()
    assert {c.pk for c in decided} == {i.candidacy_id for i in invitations}
    for candidacy in decided:
        decision = FinalDecision.objects.get(candidacy=candidacy)
        assert decision.outcome == candidacy.status
        assert decision.reason in CHOSEN_REASONS
        assert decision.reason_text
        assert OutboxEmail.objects.filter(key__startswith=f"decision:candidacy:{candidacy.pk}").count() == 1
    # The approver's decisions page and the decision pack show the three, with their reasons.
    approver = get_user_model().objects.get(username="approver")
    client = Client()
    client.force_login(approver)
    page = html.unescape(client.get(reverse("interviews_decisions", args=[role.pk])).content.decode())
    for decision in FinalDecision.objects.filter(candidacy__role=role):
        assert f"{decision.get_outcome_display()} — {decision.get_reason_display()}" in page
    stage = interview_stage(call=kobe, role=role, requested_by=approver)
    assert {(row.outcome, row.reason) for row in stage.rows} == {
        (str(d.get_outcome_display()), str(d.get_reason_display()))
        for d in FinalDecision.objects.filter(candidacy__role=role)
    }
    assert all(row.reason_text for row in stage.rows)
    assert CandidacyMessage.objects.filter(candidacy__role=role).count() == 2

    # The other roles keep their screening work: nothing shortlisted, nothing decided.
    others = Candidacy.objects.filter(application__call=kobe).exclude(role=role)
    assert not others.filter(status__in=PASSED).exists()

    def state():
        return (
            totals(kobe),
            OutboxEmail.objects.count(),
            AuditEntry.objects.count(),
            sorted(Candidacy.objects.filter(role=role).values_list("status", flat=True)),
        )

    before = state()
    out = io.StringIO()
    call_command("load_demo_applications", "--count", "60", stdout=out)
    assert "left as it is" in out.getvalue()
    assert state() == before


def test_command_says_to_load_the_kobe_demo_first(site_content, demo_users):
    with pytest.raises(CommandError, match="load_kobe_demo"):
        call_command("load_demo_applications", stdout=io.StringIO())
