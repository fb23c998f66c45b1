"""The status page on the manage link: each role's stage computed from what was recorded and told, never earlier.

The document screening result shows once its notice left the outbox; the interview from the
round's invitation and booking (Japan time, the video link); the final result once its mail was
sent, in kind words. The applicant's own answers are on the same page.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from applications.intake.tokens import hash_token
from applications.interviews.decisions import final_decision
from applications.mail.outbox import outbox_send_pending
from applications.messaging.status import application_status
from applications.models import (
    Application,
    Candidacy,
    InterviewBooking,
    InterviewInvitation,
    InterviewRound,
    InterviewSlot,
    OutboxEmail,
)
from applications.screening.services import candidacy_transition, shortlist_decide, shortlist_for, shortlist_submit
from recruitment.formatting import format_japan_datetime
from tests.applications import factories as af
from tests.conftest import shared_world, site_content_now

pytestmark = pytest.mark.django_db
S = Candidacy.Status
TOKEN = "status-page-link"


@shared_world
def applicant_status_world():
    """A call's role with two candidacies that have manage links, and its staff: built once for the file."""
    site_content_now()
    deadline = (timezone.now() + timedelta(days=3)).replace(microsecond=0)
    call, role, contractor, approver = af.one_post_call(deadline, title="広報動画の企画")
    person = af.candidacy(role, family_name="状況", email="status@example.jp")
    other = af.candidacy(role, family_name="別の人", email="other@example.jp")
    for candidacy in (person, other):
        Application.objects.filter(pk=candidacy.application_id).update(
            manage_token_hash=hash_token(f"{TOKEN}-{candidacy.applicant.family_name}")
        )
    return {
        "deadline": deadline,
        "call": call,
        "role": role,
        "person": person,
        "other": other,
        "contractor": contractor,
        "approver": approver,
    }


@pytest.fixture
def world(applicant_status_world):
    return applicant_status_world


def state(candidacy: Candidacy) -> str:
    application = Application.objects.get(pk=candidacy.application_id)
    (role,) = [r for r in application_status(application, token=TOKEN, language="ja") if r.candidacy.pk == candidacy.pk]
    return role.state


def page(client, candidacy: Candidacy, *, language: str = "") -> str:
    prefix = f"/{language}" if language else ""
    response = client.get(f"{prefix}/apply/manage/{TOKEN}-{candidacy.applicant.family_name}/")
    assert response.status_code == 200
    return response.content.decode()


def test_each_stage_shows_from_the_facts_and_never_before_the_mail(client, world):
    person, deadline = world["person"], world["deadline"]
    html = page(client, person)
    assert state(person) == "received"
    # With the answers the applicant sent (issue 22: labelled 応募内容 but showed none).
    shown = [
        "選考の状況",
        "受付済み",
        "広報誌の編集を5年。",
        "状況 太郎",
        "https://portfolio.example.jp/works",
        "status@example.jp",
    ]
    assert [words for words in shown if words not in html] == []

    with time_machine.travel(deadline + timedelta(hours=1), tick=False):
        assert state(person) == "in_review"
        person = candidacy_transition(candidacy=person, to=S.IN_REVIEW, by=world["contractor"])
        person = candidacy_transition(candidacy=person, to=S.SHORTLISTED, by=world["contractor"])
        candidacy_transition(candidacy=world["other"], to=S.IN_REVIEW, by=world["contractor"])
        assert state(person) == "in_review"  # shortlisted inside: not a result until it is told
        shortlist_submit(role=world["role"], by=world["contractor"])
        shortlist_decide(shortlist=shortlist_for(world["role"]), by=world["approver"], approve=True)
        assert OutboxEmail.objects.filter(key=f"screening_result:candidacy:{person.pk}", sent_at=None).exists()
        assert state(person) == "in_review"  # the notice is written, not sent: the page waits for the mail
        assert "書類選考中" in page(client, person)
        outbox_send_pending()
        assert state(person) == "passed"
        assert "書類選考を通過しました" in page(client, person)
        assert state(world["other"]) == "not_passed"
        kind = page(client, world["other"])
        assert "今回は面接へのご案内ができませんでした" in kind
        assert "不合格" not in kind

    starts = deadline + timedelta(days=7)
    interview_round = InterviewRound.objects.create(role=world["role"], opened_by=world["approver"])
    slot = InterviewSlot.objects.create(
        round=interview_round, starts_at=starts, video_url="https://meet.example.jp/kobo-interview"
    )
    invitation = InterviewInvitation.objects.create(round=interview_round, candidacy=person)
    assert state(person) == "invited"
    html = page(client, person)
    assert "面接のご案内" in html
    assert "面接を予約する" in html  # a link to the booking page, from the manage link
    assert '/interviews/"' in html

    booking = InterviewBooking.objects.create(slot=slot, application=person.application)
    invitation.booking = booking
    invitation.save()
    html = page(client, person)
    assert state(person) == "booked"
    assert format_japan_datetime(starts, "ja") in html  # Japan time
    assert "https://meet.example.jp/kobo-interview" in html
    english = page(client, person, language="en")
    assert "Interview booked" in english
    assert format_japan_datetime(starts, "en") in english  # "… JST"

    with time_machine.travel(starts + timedelta(hours=2), tick=False):
        assert state(person) == "interviewed"
        interview_round.status = InterviewRound.Status.CLOSED
        interview_round.save()
        person.refresh_from_db()
        final_decision(candidacy=person, by=world["approver"], outcome=S.SELECTED, reason="interview")
        assert state(person) == "interviewed"  # decided, but its mail has not left yet
        outbox_send_pending()
        assert state(person) == "selected"
        assert "採用が決まりました" in page(client, person)


def test_a_cancelled_booking_invites_again_and_a_cancelled_round_shows_nothing_of_it(world):
    person = world["person"]
    interview_round = InterviewRound.objects.create(role=world["role"], opened_by=world["approver"])
    slot = InterviewSlot.objects.create(round=interview_round, starts_at=world["deadline"] + timedelta(days=5))
    booking = InterviewBooking.objects.create(slot=slot, application=person.application, cancelled_at=timezone.now())
    InterviewInvitation.objects.create(round=interview_round, candidacy=person, booking=booking)
    assert state(person) == "invited"
    interview_round.status = InterviewRound.Status.CANCELLED
    interview_round.save()
    assert state(person) == "received"


@pytest.mark.parametrize(
    ("status", "kind", "expected", "words"),
    [
        (S.NOT_SELECTED, "decision_not_selected", "not_selected", "今回は採用に至りませんでした"),
        ("reserve", "decision_reserve", "reserve", "補欠として登録しました"),
        (S.SELECTED, "decision_selected", "selected", "採用が決まりました"),
    ],
)
def test_the_final_result_in_kind_words_once_its_mail_was_sent(client, world, status, kind, expected, words):
    person = world["person"]
    Candidacy.objects.filter(pk=person.pk).update(status=status, decided_at=timezone.now())
    assert state(person) != expected
    OutboxEmail.objects.create(
        key=f"decision:candidacy:{person.pk}", to="status@example.jp", subject="s", body="b", kind=kind,
        language="ja", sent_at=timezone.now(),
    )  # fmt: skip
    assert state(person) == expected
    html = page(client, person)
    assert words in html
    assert "不合格" not in html


def test_a_withdrawn_role_says_so(client, world):
    Candidacy.objects.filter(pk=world["person"].pk).update(status=S.WITHDRAWN, withdrawn_at=timezone.now())
    assert state(world["person"]) == "withdrawn"
    assert "辞退済み" in page(client, world["person"])
