"""Contractors split the work: assign checked candidacies to a reviewer, then filter "assigned to me"."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from applications.models import AuditEntry, Candidacy
from applications.screening.reviewing import candidacies_assign_reviewer
from applications.screening.services import ScreeningError
from applications.staff import OFFICIALS, SCREENING_CONTRACTORS
from tests.applications import factories as af
from tests.recruitment import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(site_content):
    call = f.call()
    role = f.role(call, closes_at=timezone.now() - timedelta(hours=1))
    lead = af.staff("lead", SCREENING_CONTRACTORS, call=call)
    helper = af.staff("helper", SCREENING_CONTRACTORS, call=call)
    outsider = af.staff("outsider", SCREENING_CONTRACTORS, call=f.call())
    official = af.staff("watcher", OFFICIALS, organisation=call.organisation)
    candidacies = [af.candidacy(role) for _ in range(3)]
    return call, candidacies, lead, helper, outsider, official


def test_bulk_assign_from_the_list_then_filter_assigned_to_me(client, team):
    call, candidacies, lead, helper, _, _ = team
    client.force_login(lead)
    ids = [c.pk for c in candidacies[:2]]
    response = client.post(
        f"/admin/screening/call/{call.pk}/candidacies/",
        {"action": "assign", "reviewer": helper.pk, "candidacy": ids},
    )
    assert response.status_code == 302
    assert set(Candidacy.objects.filter(assigned_reviewer=helper).values_list("pk", flat=True)) == set(ids)
    assert AuditEntry.objects.filter(action="kobo.candidacy.assign").count() == 2

    client.force_login(helper)
    listed = client.get(f"/admin/screening/call/{call.pk}/candidacies/", {"assigned": "me"})
    assert {row["candidacy"].pk for row in listed.context["rows"]} == set(ids)


def test_only_staff_assigned_to_the_call_can_be_asked(team):
    _, candidacies, lead, _, outsider, official = team
    with pytest.raises(ScreeningError):
        candidacies_assign_reviewer(candidacies=candidacies, reviewer=outsider, by=lead)
    with pytest.raises(ScreeningError):
        candidacies_assign_reviewer(candidacies=candidacies, reviewer=lead, by=official)
    assert not Candidacy.objects.filter(assigned_reviewer__isnull=False).exists()
