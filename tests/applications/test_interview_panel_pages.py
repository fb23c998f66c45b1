"""The panel's and the approver's pages, and the applicant's decline from the manage link."""

from __future__ import annotations

import pytest
from django.urls import reverse

from applications.intake.services import manage_link_token
from applications.interviews.decisions import final_decision
from applications.interviews.scorecards import scorecard_submit
from applications.models import AuditEntry, Candidacy, FinalDecision, OutboxEmail, Scorecard
from recruitment.formatting import format_japan_datetime
from tests.applications.panel_world import interviews_world
from tests.conftest import shared_world, site_content_now

pytestmark = pytest.mark.django_db
S = Candidacy.Status


@shared_world
def interview_panel_pages_world():
    """The site content and a role with its interview round, built once for this file's tests (writes undone)."""
    site_content_now()
    return interviews_world(headcount=1, people=3)


@pytest.fixture
def w(interview_panel_pages_world, settings):
    settings.RATELIMIT_ENABLE = False
    return interview_panel_pages_world


def test_a_panel_member_sees_the_round_with_booking_time_accommodation_and_the_panels_work(client, w):
    scorecard_submit(invitation=w.invitations[0], by=w.contractor, scores=[4, 4], recommendation="select")
    client.force_login(w.official)
    listing = client.get(reverse("interviews_rounds")).content.decode()
    url = reverse("interview_round", args=[w.role.pk])
    assert url in listing  # the listing leads to the round's one page
    page = client.get(url).content.decode()
    assert "山田 太郎" in page
    assert "字幕をお願いします" in page
    assert format_japan_datetime(w.invitations[0].booking.slot.starts_at) in page
    assert reverse("interviews_scorecard", args=[w.invitations[0].pk]) in page
    assert "1 / 2" in page  # one of the two panel members has scored 山田's interview
    assert reverse("interviews_decisions", args=[w.role.pk]) not in page  # an official does not decide
    assert AuditEntry.objects.filter(action="kobo.interview.list", user=w.official, rows=3).exists()
    client.force_login(w.approver)  # the city's approver, not on the panel: reads it and is led to the decisions
    page = client.get(url).content.decode()
    assert "山田 太郎" in page
    assert reverse("interviews_decisions", args=[w.role.pk]) in page


def test_a_contractor_off_the_panel_sees_no_names_and_another_city_sees_nothing(client, w):
    client.force_login(w.outsider)
    page = client.get(reverse("interview_round", args=[w.role.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    for hidden in ("山田", "字幕をお願いします", reverse("interviews_scorecard", args=[w.invitations[0].pk])):
        assert hidden not in html
    assert AuditEntry.objects.filter(action="kobo.interview.list", user=w.outsider).count() == 0
    assert client.get(reverse("interviews_scorecard", args=[w.invitations[0].pk])).status_code == 403
    client.force_login(w.other_approver)
    assert client.get(reverse("interview_round", args=[w.role.pk])).status_code == 404
    assert client.get(reverse("interviews_decisions", args=[w.role.pk])).status_code == 404


def test_colleagues_scorecards_appear_on_the_page_only_after_ones_own(client, w):
    invitation = w.invitations[0]
    scorecard_submit(invitation=invitation, by=w.contractor, scores=[2, 3], recommendation="not_select",
                     comment="準備不足の印象")  # fmt: skip
    client.force_login(w.official)
    url = reverse("interviews_scorecard", args=[invitation.pk])
    before = client.get(url).content.decode()
    assert "準備不足の印象" not in before
    assert "shown once yours is in" in before
    response = client.post(url, {"action": "score", "score_0": "5", "score_1": "na", "recommendation": "select",
                                 "comment": "具体的"})  # fmt: skip
    assert response.status_code == 302
    card = Scorecard.objects.get(invitation=invitation, panelist=w.official)
    assert card.scores == [5, None]
    after = client.get(url).content.decode()
    assert "準備不足の印象" in after
    # Now every member has scored: the consensus form is offered and records once.
    client.post(url, {"action": "consensus", "text": "意欲が高い", "recommendation": "select", "rank": "1"})
    assert invitation.__class__.objects.get(pk=invitation.pk).consensus.text == "意欲が高い"


def test_the_approver_decides_on_the_page_with_a_reason_kept_internal(client, w):
    w.close_round()
    client.force_login(w.approver)
    url = reverse("interviews_decisions", args=[w.role.pk])
    assert "山田 太郎" in client.get(url).content.decode()
    client.post(url, {"action": "decide", "candidacy": str(w.people[1].pk), "outcome": "reserve",
                      "reason": "headcount", "reason_text": "次点(内部)"})  # fmt: skip
    client.post(url, {"action": "decide", "candidacy": str(w.people[0].pk), "outcome": "selected",
                      "reason": "interview", "reason_text": "企画が具体的", "share_reason": "yes"})  # fmt: skip
    assert w.fresh(1).status == S.RESERVE
    assert w.fresh(0).status == S.SELECTED
    assert "次点" not in OutboxEmail.objects.get(kind="decision_reserve").body
    assert "企画が具体的" in OutboxEmail.objects.get(kind="decision_selected").body
    # A second full seat is refused with a message, nothing written.
    response = client.post(url, {"action": "decide", "candidacy": str(w.people[2].pk), "outcome": "selected",
                                 "reason": "strong_fit"}, follow=True)  # fmt: skip
    assert "reserve list" in response.content.decode() or "補欠" in response.content.decode()
    assert w.fresh(2).status == S.SHORTLISTED
    # A panel member who is not an approver cannot decide.
    client.force_login(w.official)
    assert client.get(url).status_code == 403


def test_the_applicant_declines_from_the_manage_link_and_the_reserve_is_told(client, w):
    w.close_round()
    final_decision(candidacy=w.fresh(0), by=w.approver, outcome="selected", reason="strong_fit")
    final_decision(candidacy=w.fresh(1), by=w.approver, outcome="reserve", reason="headcount")
    token = manage_link_token(w.people[0].application)
    url = reverse("applications:decline_offer", args=[token])
    manage = client.get(reverse("applications:manage", args=[token])).content.decode()
    assert url in manage  # the manage page offers the way to decline
    page = client.get(url)
    assert page.status_code == 200
    assert w.role.title in page.content.decode()
    assert client.post(url, {"candidacy": str(w.people[0].pk)}).status_code == 200  # no confirmation: nothing
    assert w.fresh(0).status == S.SELECTED
    done = client.post(url, {"candidacy": str(w.people[0].pk), "confirm": "yes"})
    assert done.status_code == 200
    assert w.fresh(0).status == S.DECLINED
    assert w.fresh(1).status == S.SELECTED
    assert OutboxEmail.objects.filter(kind="decision_declined").count() == 1
    assert OutboxEmail.objects.filter(kind="decision_promoted").count() == 1
    # Again: nothing more happens, and nobody is told twice.
    client.post(url, {"candidacy": str(w.people[0].pk), "confirm": "yes"})
    assert OutboxEmail.objects.filter(kind__in=["decision_declined", "decision_promoted"]).count() == 2
    assert FinalDecision.objects.filter(reason="promoted").count() == 1
    assert client.get(reverse("applications:decline_offer", args=["not-a-token"])).status_code == 404


ODD = ["²", "１", "-1", "0", str(2**70), "9" * 5000]  # the unpaired surrogate: the URL walk sends it encoded


def test_odd_values_in_every_interview_form_answer_no_server_error(client, w):
    w.close_round()
    client.raise_request_exception = False
    final_decision(candidacy=w.fresh(0), by=w.approver, outcome="reserve", reason="headcount")
    posts = [
        (w.official, reverse("interviews_scorecard", args=[w.invitations[1].pk]), ["score", "consensus"]),
        (w.approver, reverse("interviews_decisions", args=[w.role.pk]), ["decide", "order", "decline"]),
    ]
    for user, url, actions in posts:
        client.force_login(user)
        for action in actions:
            for odd in ODD:
                data = {"action": action, "candidacy": odd, "score_0": odd, "score_1": odd, "rank": odd,
                        "outcome": odd, "reason": odd, "recommendation": odd, "text": odd,
                        f"order_{w.people[0].pk}": odd}  # fmt: skip
                assert client.post(url, data).status_code < 500, (url, action, odd)
    token = manage_link_token(w.people[0].application)
    for odd in ODD:
        response = client.post(reverse("applications:decline_offer", args=[token]), {"candidacy": odd, "confirm": odd})
        assert response.status_code < 500
