"""No final decision without a reason, from anywhere: the candidacy page, the list's bulk action, the decision page.

採用 / 不採用 / 補欠 are recorded only by ``interviews.decisions.final_decision``, one finalist at a time with a
reason from the list; ``candidacy_transition`` refuses them otherwise (the pipeline tests walk that rule).
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from applications.models import AuditEntry, Candidacy, FinalDecision, OutboxEmail
from tests.applications.interviews_world import approved_world

pytestmark = pytest.mark.django_db
S = Candidacy.Status
OUTCOMES = [S.SELECTED, S.NOT_SELECTED]


@pytest.fixture
def world(site_content, settings):
    settings.RATELIMIT_ENABLE = False
    return approved_world(people=3, others=0)


def _status(candidacy: Candidacy) -> str:
    return Candidacy.objects.get(pk=candidacy.pk).status


def _nothing_decided(people: list[Candidacy]) -> None:
    assert [_status(p) for p in people] == [S.SHORTLISTED] * len(people)
    assert not FinalDecision.objects.exists()
    assert not OutboxEmail.objects.filter(kind__startswith="decision").exists()
    assert not AuditEntry.objects.filter(action="kobo.interview.decision").exists()


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


@pytest.mark.parametrize("outcome", OUTCOMES)
def test_the_candidacy_page_offers_no_decision_but_the_way_to_it_and_refuses_a_posted_one(client, world, outcome):
    person = world.shortlisted[world.role.pk][0]
    client.force_login(world.approver)
    url = reverse("screening_candidacy", args=[person.pk])
    page = client.get(url)
    assert page.context["next_statuses"] == []
    assert reverse("interviews_decisions", args=[world.role.pk]) in page.content.decode()

    posted = {"action": "status", "to": outcome, "version": str(person.version), "reason": "面接の結果"}
    response = client.post(url, posted, follow=True)
    assert response.status_code == 200
    assert any("最終決定" in m and "理由" in m for m in _messages(response)), _messages(response)
    _nothing_decided([person])


@pytest.mark.parametrize("outcome", OUTCOMES)
def test_the_list_offers_no_bulk_decision_and_refuses_a_posted_one(client, world, outcome):
    people = world.shortlisted[world.role.pk]
    client.force_login(world.approver)
    url = reverse("screening_candidacies", args=[world.call.pk])
    page = client.get(url)
    assert outcome not in [value for value, _label in page.context["bulk_statuses"]]
    assert reverse("interviews_decisions", args=[world.role.pk]) in page.content.decode()

    posted = {"candidacy": [p.pk for p in people], "to": outcome, "reason": "面接の結果"}
    response = client.post(url, posted, follow=True)
    refused = [m for m in _messages(response) if m.startswith("3件は変更できませんでした")]
    assert refused, _messages(response)
    assert "理由" in refused[0]
    _nothing_decided(people)


def test_the_decision_page_chooses_no_outcome_or_reason_for_the_approver(client, world):
    client.force_login(world.approver)
    html = client.get(reverse("interviews_decisions", args=[world.role.pk])).content.decode()
    person = world.shortlisted[world.role.pk][0]
    for field in ("outcome", "reason"):
        select = re.search(rf'<select name="{field}"[^>]*id="d{person.pk}-{field}".*?</select>', html, re.S)
        assert select, field
        assert re.search(r'<option value="" selected>', select.group(0)), select.group(0)


@pytest.mark.parametrize("outcome", OUTCOMES)
def test_the_decision_page_refuses_no_reason_next_to_the_field_keeping_what_was_typed(client, world, outcome):
    people = world.shortlisted[world.role.pk]
    person = people[0]
    client.force_login(world.approver)
    url = reverse("interviews_decisions", args=[world.role.pk])
    typed = {"action": "decide", "candidacy": str(person.pk), "outcome": outcome,
             "reason_text": "企画の説明が具体的だった", "share_reason": "yes"}  # fmt: skip

    for reason in ("", "because"):  # none chosen, or one not on the list
        response = client.post(url, {**typed, "reason": reason})
        assert response.status_code == 400
        html = response.content.decode()
        error = re.search(rf'<p class="kobo-error" id="d{person.pk}-reason-error">([^<]*)</p>', html)
        assert error is not None
        assert "理由を一覧から選んでください" in error.group(1)
        select = re.search(rf'<select name="reason"[^>]*id="d{person.pk}-reason"[^>]*>', html).group(0)
        assert f'aria-describedby="d{person.pk}-reason-error"' in select
        assert "企画の説明が具体的だった</textarea>" in html  # nothing lost
        assert re.search(rf'<option value="{outcome}" selected>', html)
        share = rf'<input type="checkbox" name="share_reason"[^>]*id="d{person.pk}-share_reason" checked'
        assert re.search(share, html)
        _nothing_decided(people)

    # "Other" says the reason in words: refused next to the text without them.
    response = client.post(url, {**typed, "reason": "other", "reason_text": "  "})
    assert response.status_code == 400
    assert f'id="d{person.pk}-reason_text-error"' in response.content.decode()
    _nothing_decided(people)

    response = client.post(url, {**typed, "reason": "interview"})
    assert response.status_code == 302
    decision = FinalDecision.objects.get(candidacy=person)
    assert (decision.outcome, decision.reason) == (outcome, "interview")
    assert decision.reason_text == "企画の説明が具体的だった"
    assert _status(person) == outcome


def test_a_decision_posted_from_a_stale_page_says_why_though_the_form_is_gone(client, world):
    person = world.shortlisted[world.role.pk][0]
    client.force_login(world.approver)
    url = reverse("interviews_decisions", args=[world.role.pk])
    posted = {"action": "decide", "candidacy": str(person.pk), "outcome": S.NOT_SELECTED, "reason": "skills"}
    assert client.post(url, {**posted, "outcome": S.SELECTED, "reason": "interview"}).status_code == 302
    response = client.post(url, posted)  # the same person, from a page loaded before
    assert response.status_code == 400
    assert any("採用" in m and "不採用" in m for m in _messages(response)), _messages(response)
    assert _status(person) == S.SELECTED
    assert FinalDecision.objects.filter(candidacy=person).count() == 1
