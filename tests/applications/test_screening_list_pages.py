"""The screening list pages at scale: the page's keys come from the candidacy table's own indexes.

What a screener checks: every page shows the rows the CSV export lists, in the same order, the
count says how many there are and a declared conflict stays hidden (docs/performance.md,
"Screening at 100,000 candidacies"; the query count per order and page is asserted with the
list's other query counts in ``test_screening_access.py``).
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from applications.models import Assignment, Candidacy, ConflictOfInterest
from applications.screening.selectors import candidacy_list
from tests.applications.test_screening_access import build_candidacies, build_world, login
from tests.conftest import demo_site, shared_world
from tests.recruitment import factories as f

pytestmark = pytest.mark.django_db


def shown_rows(html: str) -> list[int]:
    """The candidacies the list's rows link to, in the order shown."""
    link = re.escape(reverse("screening_candidacy", args=[0])).replace("0", r"(\d+)")
    return [int(pk) for pk in dict.fromkeys(re.findall(link, html))]


@shared_world
def screening_big_call_world():
    """The screening world and a blind call of 120 candidacies: built once for the tests that only read it."""
    demo_site()
    world = build_world()
    reviewer = world.users["contractor_a"]
    call = f.call(organisation=world.call_a.organisation, blind_review=True)
    build_candidacies(call, f.role(call), 120, reviewer)
    Assignment.objects.create(user=reviewer, call=call)
    yield world, call
    world.attachment_a.file.delete(save=False)


@pytest.fixture
def world(screening_big_call_world):
    return screening_big_call_world[0]


@pytest.fixture
def big_call(screening_big_call_world):
    return screening_big_call_world[1]


@pytest.mark.parametrize("sort", ["reference", "score", "score_asc", "submitted", "rank"])
def test_every_page_shows_the_export_order_without_the_conflicts(client, world, big_call, sort):
    reviewer = world.users["contractor_a"]
    declared = Candidacy.objects.filter(call=big_call).order_by("reference")[7]
    ConflictOfInterest.objects.create(user=reviewer, candidacy=declared)
    expected = [c.pk for c in candidacy_list(fetched_by=reviewer, call=big_call, filters={"sort": sort})]
    login(client, reviewer)
    url = reverse("screening_candidacies", args=[big_call.pk])
    shown = []
    for page in (1, 2, 3):
        response = client.get(url, {"sort": sort, "page": page})
        assert response.status_code == 200
        html = response.content.decode()
        assert f"候補 Candidacies:{len(expected)}件" in html
        shown += shown_rows(html)
    assert declared.pk not in shown
    assert shown == expected
    assert len(shown) == 119  # 120 less the conflict


def test_a_candidacy_carries_its_applications_call_reference_and_time(world):
    for candidacy in Candidacy.objects.select_related("application"):  # made by create() and by bulk_create()
        application = candidacy.application
        assert (candidacy.call_id, candidacy.reference, candidacy.submitted_at) == (
            application.call_id,
            application.reference,
            application.submitted_at,
        )
