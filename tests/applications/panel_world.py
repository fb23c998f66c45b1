"""A role past its approved shortlist with an interview round: panel, slots, invitations, bookings.

Rounds and invitations are made with the models directly (opening a round and booking are the
booking work's services); everything after (scorecards, consensus, decisions) goes through ours.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.utils import timezone

from applications.models import (
    Candidacy,
    InterviewBooking,
    InterviewInvitation,
    InterviewRound,
    InterviewSlot,
    ScreeningOutcome,
    Shortlist,
)
from applications.staff import CITY_APPROVERS, OFFICIALS, SCREENING_CONTRACTORS
from tests.applications import factories as af
from tests.recruitment import factories as rf

S = Candidacy.Status
RUBRIC = [("criterion", {"name": "実績", "name_en": "Track record", "weight": "1", "max_score": 5})]
INTERVIEW_RUBRIC = [
    ("criterion", {"name": "意欲", "name_en": "Motivation", "weight": "2", "max_score": 5}),
    ("criterion", {"name": "説明力", "name_en": "Explaining", "weight": "1", "max_score": 5}),
]


@dataclass
class Interviews:
    call: Any
    role: Any
    round: InterviewRound
    people: list[Candidacy]
    invitations: list[InterviewInvitation]
    approver: Any
    official: Any  # on the panel
    contractor: Any  # on the panel
    outsider: Any  # a contractor of the call not on the panel
    other_approver: Any  # an approver of another city
    users: dict[str, Any] = field(default_factory=dict)

    def close_round(self) -> None:
        InterviewRound.objects.filter(pk=self.round.pk).update(
            status=InterviewRound.Status.CLOSED, closed_at=timezone.now()
        )
        self.round.refresh_from_db()

    def fresh(self, i: int) -> Candidacy:
        return Candidacy.objects.select_related("application__call", "role", "application__applicant").get(
            pk=self.people[i].pk
        )


def interviews_world(*, headcount: int = 1, people: int = 3, languages: tuple[str, ...] = ()) -> Interviews:
    """One call, one closed role whose shortlist of ``people`` was approved (results sent), and an open round."""
    now = timezone.now()
    call = rf.call(title="広報の副業人材")
    role = rf.role(
        call, rubric=RUBRIC, interview_rubric=INTERVIEW_RUBRIC, closes_at=now - timedelta(days=10),
        headcount=headcount, title="Instagram記事の作成",
    )  # fmt: skip
    n = call.pk
    approver = af.staff(f"approver-{n}", CITY_APPROVERS, organisation=call.organisation)
    official = af.staff(f"official-{n}", OFFICIALS, organisation=call.organisation)
    contractor = af.staff(f"contractor-{n}", SCREENING_CONTRACTORS, call=call)
    outsider = af.staff(f"outsider-{n}", SCREENING_CONTRACTORS, call=call)
    other_call = rf.call()
    other_approver = af.staff(f"other-approver-{n}", CITY_APPROVERS, organisation=other_call.organisation)
    names = [("山田", "太郎"), ("佐藤", "花子"), ("鈴木", "次郎"), ("高橋", "三郎")]
    candidacies = []
    for i in range(people):
        family, given = names[i]
        c = af.candidacy(role, family_name=family, status=S.SHORTLISTED)
        c.applicant.given_name = given
        c.applicant.save()
        if i < len(languages):
            c.application.language = languages[i]
            c.application.save()
        candidacies.append(c)
    shortlist = Shortlist.objects.create(
        role=role, status=Shortlist.Status.APPROVED, submitted_by=contractor, submitted_at=now - timedelta(days=5),
        decided_by=approver, decided_at=now - timedelta(days=4), approvals=1,
    )  # fmt: skip
    for c in candidacies:
        ScreeningOutcome.objects.create(shortlist=shortlist, approval=1, candidacy=c, outcome="passed")
    interview_round = InterviewRound.objects.create(role=role, opened_by=approver, length_minutes=30)
    interview_round.panel.set([official, contractor])
    slot = InterviewSlot.objects.create(
        round=interview_round, starts_at=now + timedelta(days=2), capacity=people, video_url="https://meet.example.jp/a"
    )
    invitations = []
    for i, c in enumerate(candidacies):
        booking = InterviewBooking.objects.create(
            slot=slot, application=c.application, accommodation="字幕をお願いします" if i == 0 else ""
        )
        invitations.append(InterviewInvitation.objects.create(round=interview_round, candidacy=c, booking=booking))
    InterviewSlot.objects.filter(pk=slot.pk).update(booked=people)
    return Interviews(
        call, role, interview_round, candidacies, invitations, approver, official, contractor, outsider, other_approver
    )
