"""Roles whose shortlist the city approved, ready for an interview round: the staff and the shortlisted people."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import count
from typing import Any

from django.utils import timezone

from applications.interviews.services import SlotSpec, interview_round_open
from applications.models import Candidacy, InterviewRound
from applications.screening.services import candidacy_transition, shortlist_decide, shortlist_for, shortlist_submit
from applications.staff import CITY_APPROVERS, SCREENING_CONTRACTORS
from tests.applications import factories as af
from tests.applications.factories import CandidacyFactory
from tests.recruitment import factories as rf

S = Candidacy.Status
RUBRIC = [("criterion", {"name": "実績", "name_en": "Track record", "weight": "1", "max_score": 5})]
_n = count(1)


@dataclass
class Approved:
    """A call with roles whose shortlists are approved, its contractor and approver, and the shortlisted."""

    call: Any
    roles: list[Any]
    contractor: Any
    approver: Any
    shortlisted: dict[int, list[Candidacy]] = field(default_factory=dict)  # role pk → its shortlisted candidacies
    others: list[Candidacy] = field(default_factory=list)  # judged, not shortlisted

    @property
    def role(self) -> Any:
        return self.roles[0]


def city_staff(call: Any) -> tuple[Any, Any]:
    n = next(_n)
    contractor = af.staff(f"iv-contractor-{n}", SCREENING_CONTRACTORS, call=call)
    approver = af.staff(f"iv-approver-{n}", CITY_APPROVERS, organisation=call.organisation)
    return contractor, approver


def shortlist_and_approve(world: Approved, role: Any, shortlisted: list[Candidacy], others: list[Candidacy]) -> None:
    for candidacy in shortlisted + others:
        current = candidacy_transition(candidacy=_fresh(candidacy), to=S.IN_REVIEW, by=world.contractor)
        if candidacy in shortlisted:
            candidacy_transition(candidacy=current, to=S.SHORTLISTED, by=world.contractor)
        else:
            candidacy_transition(candidacy=current, to=S.REJECTED, by=world.contractor)
    shortlist_submit(role=role, by=world.contractor)
    shortlist_decide(shortlist=shortlist_for(role), by=world.approver, approve=True)
    world.shortlisted[role.pk] = [_fresh(c) for c in shortlisted]
    world.others += [_fresh(c) for c in others]


def _fresh(candidacy: Candidacy) -> Candidacy:
    return Candidacy.objects.select_related("application__applicant", "application__call", "role").get(pk=candidacy.pk)


def approved_world(*, people: int = 3, others: int = 1, roles: int = 1, shared_person: bool = False) -> Approved:
    """A call whose ``roles`` closed an hour ago with ``people`` shortlisted each (approved, results sent).

    ``shared_person``: the first person of the first role also applied for (and is shortlisted in) every other role.
    """
    call = rf.call(blind_review=True)
    contractor, approver = city_staff(call)
    made = [
        rf.role(call, closes_at=timezone.now() - timedelta(hours=1), headcount=max(1, people), rubric=RUBRIC)
        for _ in range(roles)
    ]
    world = Approved(call, made, contractor, approver)
    first = None
    for index, role in enumerate(made):
        tag = next(_n)
        chosen = [
            af.candidacy(role, family_name=f"候補{tag}-{i}", email=f"p{tag}-{i}@example.jp") for i in range(people)
        ]
        if index == 0:
            first = chosen[0]
        elif shared_person and first is not None:
            chosen[0] = CandidacyFactory(
                role=role, application=first.application, applicant=first.applicant, rank=index + 1
            )
        rest = [
            af.candidacy(role, family_name=f"見送り{tag}-{i}", email=f"o{tag}-{i}@example.jp") for i in range(others)
        ]
        shortlist_and_approve(world, role, chosen, rest)
    return world


def slots(*starts: datetime, capacity: int = 1) -> list[SlotSpec]:
    return [
        SlotSpec(starts_at=s, capacity=capacity, video_url=f"https://meet.example.jp/{i}") for i, s in enumerate(starts)
    ]


def days_ahead(days: int, hour: int = 10) -> datetime:
    """A time ``days`` from now at ``hour`` o'clock in Japan."""
    from recruitment.formatting import JAPAN

    local = timezone.localtime(timezone.now(), JAPAN) + timedelta(days=days)
    return local.replace(hour=hour, minute=0, second=0, microsecond=0)


def round_open(world: Approved, *starts: datetime, panel: list[Any] | None = None, **options: Any) -> InterviewRound:
    """An interview round on ``world``'s first role, opened by its approver, with one seat at each of ``starts``.

    The panel is the approver alone unless ``panel`` says otherwise; ``options`` go to ``interview_round_open``.
    """
    return interview_round_open(
        role=world.role, by=world.approver, slots=slots(*starts), panel=panel or [world.approver], **options
    )
