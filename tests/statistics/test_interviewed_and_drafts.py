"""Two figures checked against the raw rows: who was interviewed per role and category, and how far the
drafts got (started, submitted, stopped per step), walked through the real wizard and kept after the purge."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from applications.models import (
    Application,
    Consensus,
    Draft,
    InterviewBooking,
    InterviewInvitation,
    InterviewRound,
    InterviewSlot,
    Scorecard,
)
from applications.privacy.retention import drafts_purge
from applications.staff import CITY_APPROVERS
from applications.statistics.aggregates import call_statistics
from applications.statistics.tallies import tallies_rebuild
from tests.applications.factories import staff
from tests.applications.wizard_helpers import GOOD_ANSWERS, walk
from tests.recruitment import factories as f
from tests.statistics.conftest import hyogo_city
from tests.statistics.helpers import expected_figures, first_candidacy, tallies_equal_rows
from tests.statistics.test_statistics import row_cells

pytestmark = pytest.mark.django_db


@pytest.fixture
def kobe(kobe_and_demo_users_world):
    return kobe_and_demo_users_world


def test_interviewed_counts_the_interviews_the_panel_recorded_per_role_and_category(client, kobe, demo_users):
    """Scorecard or consensus: interviewed. A booked slot that has passed without either: not (yet)."""
    call, (newsletter, instagram, _quiet) = kobe
    approver = staff_approver(call)
    shortlisted = [
        first_candidacy(a) for a in call_applications(call) if first_candidacy(a).status in ("shortlisted", "selected")
    ]
    assert len(shortlisted) == 3  # the fixture's three shortlisted for the newsletter
    scored, agreed, booked = shortlisted
    cancelled = InterviewRound.objects.create(role=newsletter, opened_by=approver, status="cancelled")
    Scorecard.objects.create(  # scored in a round later cancelled, and again in the live one: counted once
        invitation=InterviewInvitation.objects.create(round=cancelled, candidacy=scored),
        panelist=approver,
        rubric=[],
        scores=[],
        recommendation="select",
    )
    live = InterviewRound.objects.create(role=newsletter, opened_by=approver)
    Scorecard.objects.create(
        invitation=InterviewInvitation.objects.create(round=live, candidacy=scored),
        panelist=approver,
        rubric=[],
        scores=[],
        recommendation="select",
    )
    Consensus.objects.create(
        invitation=InterviewInvitation.objects.create(round=live, candidacy=agreed),
        text="合議",
        recommendation="reserve",
        recorded_by=approver,
    )
    slot = InterviewSlot.objects.create(round=live, starts_at=timezone.now() - timedelta(hours=3), booked=1)
    booking = InterviewBooking.objects.create(slot=slot, application=booked.application)
    InterviewInvitation.objects.create(round=live, candidacy=booked, booking=booking)

    want = expected_figures(call)
    assert want["by_role"][newsletter.pk]["interviewed"] == 2
    stats = call_statistics(call=call)
    assert {r.role.pk: r.interviewed for r in stats.roles} == {
        role.pk: want["by_role"][role.pk]["interviewed"] for role in (newsletter, instagram, _quiet)
    }
    assert stats.interviewed == 2

    client.force_login(approver)
    html = client.get(reverse("call_statistics", args=[call.pk])).content.decode()
    roles = {row[0]: row[8] for row in row_cells(html, "stat-roles")}
    assert roles == {r.title: str(want["by_role"][r.pk]["interviewed"]) for r in (newsletter, instagram, _quiet)}
    categories = row_cells(html, "stat-categories")
    assert sum(int(row[5]) for row in categories) == 2
    assert re.search(r'id="stat-interviewed">2<', html)
    help_text = re.search(r'id="stat-interviewed-help">([^<]*)<', html).group(1)
    assert "評価票または合議" in help_text
    assert "scorecard or its consensus" in help_text


def staff_approver(call):
    approver = staff("interview_approver", CITY_APPROVERS)
    f.member(approver, call.organisation, "approver")
    return approver


def call_applications(call):
    return list(Application.objects.filter(call=call).order_by("submitted_at", "pk"))


def about(n: int) -> dict:
    email = f"draft{n}@example.jp"
    return {"about": {**GOOD_ANSWERS["about"], "email": email, "email_confirm": email}}


def test_drafts_started_submitted_and_stopped_per_step_follow_the_wizard_and_outlive_the_purge(client, demo_users):
    org = hyogo_city()
    call = f.call(organisation=org)
    role = f.role(call, closes_at=timezone.now() + timedelta(days=9))
    # Four people in four browsers: one stops after choosing, one before their experience, one goes back
    # and forth, one sends the application.
    browsers = [Client() for _ in range(4)]
    walk(browsers[0], call, [role.pk], until="about", answers=about(0))
    walk(browsers[1], call, [role.pk], until="experience", answers=about(1))
    walk(browsers[2], call, [role.pk], until="sidework", answers=about(2))
    browsers[2].get(reverse("applications:apply_step", kwargs={"call_id": call.pk, "step": "check"}))
    walk(browsers[3], call, [role.pk], answers=about(3))

    want = expected_figures(call)
    assert (want["drafts_started"], want["drafts_submitted"]) == (4, 1)
    assert tallies_equal_rows(call)
    stats = call_statistics(call=call)
    assert (stats.drafts_started, stats.drafts_submitted) == (4, 1)
    stopped = {s.step: s.stopped for s in stats.steps}
    assert {step: n for step, n in stopped.items() if n} == dict(want["drafts_stopped"])
    reached = {s.step: s.reached for s in stats.steps}
    assert reached["roles"] == 4
    assert reached["review"] == 1

    approver = staff_approver(call)
    client.force_login(approver)
    html = client.get(reverse("call_statistics", args=[call.pk])).content.decode()
    assert "下書き 4 件のうち送信 1 件" in html

    # The drafts expire (at the roles' deadline) and are purged: what they said about the call stays.
    before = call_statistics(call=call)
    drafts_purge(now=timezone.now() + timedelta(days=400))
    assert not Draft.objects.filter(call=call).exists()
    after = call_statistics(call=call)
    assert (after.drafts_started, after.drafts_submitted, after.steps) == (
        before.drafts_started,
        before.drafts_submitted,
        before.steps,
    )


def test_a_rebuild_counts_the_drafts_still_kept(kobe):
    call, _roles = kobe
    tallies_rebuild(call_id=call.pk)
    assert tallies_equal_rows(call)
    stats = call_statistics(call=call)
    want = expected_figures(call)
    assert (
        (stats.drafts_started, stats.drafts_submitted)
        == (want["drafts_started"], want["drafts_submitted"])
        == (
            14,
            14,
        )
    )
