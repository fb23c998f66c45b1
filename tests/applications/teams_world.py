"""Two onboarded cities, X and Y, with the staff of each identity the access tests speak of.

Besides one person per role and city, two people stand in both cities (issue 18): Y's
approver who is also an official of X, and Y's contractor who is also an approver of X.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import Group

from applications.models import Assignment, Candidacy
from applications.staff import SCREENING_CONTRACTORS
from tests.applications.factories import UserFactory, candidacy
from tests.conftest import shared_world, site_content_now
from tests.recruitment import factories as f

RUBRIC = [("criterion", {"name": "実績", "name_en": "Track record", "weight": "1", "max_score": 5})]


@dataclass
class Cities:
    """Cities X and Y, each with a call, a role and a candidacy; users by identity."""

    org_x: Any
    org_y: Any
    call_x: Any
    role_x: Any
    call_y: Any
    candidacy_x: Candidacy
    users: dict[str, Any]
    role_y: Any = None
    candidacy_y: Candidacy | None = None


def _user(username: str) -> Any:
    return UserFactory(username=username)


def two_cities() -> Cities:
    """Build the two cities through the same onboarding and membership code the admin uses."""
    org_x = f.organisation(name="エックス市", name_en="X City", slug="x-city", reference_prefix="XCTY")
    org_y = f.organisation(name="ワイ市", name_en="Y City", slug="y-city", reference_prefix="YCTY")
    call_x = f.call(organisation=org_x, title="エックス市の募集")
    role_x = f.role(call_x, rubric=RUBRIC, title="エックス市の業務")
    call_y = f.call(organisation=org_y, title="ワイ市の募集")
    role_y = f.role(call_y, rubric=RUBRIC, title="ワイ市の業務")

    users: dict[str, Any] = {"anonymous": None}
    for username, organisation, role in [
        ("editor_x", org_x, "editor"),
        ("approver_x", org_x, "approver"),
        ("approver_y", org_y, "approver"),
        ("official_x", org_x, "official"),
        ("approver_y_official_x", org_y, "approver"),
    ]:
        users[username] = _user(username)
        f.member(users[username], organisation, role)
    f.member(users["approver_y_official_x"], org_x, "official")
    contractors = Group.objects.get(name=SCREENING_CONTRACTORS)
    for username in ("contractor_x", "contractor_none", "contractor_y_member_x"):
        users[username] = _user(username)
        users[username].groups.add(contractors)
    Assignment.objects.create(user=users["contractor_x"], call=call_x)
    Assignment.objects.create(user=users["contractor_y_member_x"], call=call_y)
    f.member(users["contractor_y_member_x"], org_x, "approver")
    admin = _user("site_admin")
    admin.is_superuser = True
    admin.save()
    users["superuser"] = admin
    return Cities(
        org_x, org_y, call_x, role_x, call_y, candidacy(role_x), users, role_y=role_y, candidacy_y=candidacy(role_y)
    )


@shared_world
def two_cities_world():
    """The site content and the two cities of ``two_cities``, built once for each file's tests (writes undone)."""
    site_content_now()
    return two_cities()


@pytest.fixture
def cities(two_cities_world):
    """Cities X and Y with their staff and one candidacy each (the conftests of the tests that use them name it)."""
    return two_cities_world
