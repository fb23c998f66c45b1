from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from applications.staff import CITY_APPROVERS, SCREENING_CONTRACTORS
from recruitment.models import CallPage
from tests.applications.factories import staff
from tests.conftest import shared_world, site_content_now
from tests.recruitment import factories as f
from tests.statistics.helpers import first_candidacy, select, shortlist, start_of_day, submit, withdraw

DEVICES = ["phone", "phone", "desktop", "tablet"]


def hyogo_city():
    org = f.organisation()
    org.prefecture = "28"  # 兵庫県
    org.save()
    return org


@pytest.fixture
def kobe(site_content):
    """A Hyogo city's call with 14 applications from 11 people, sent and screened through the services.

    The roles closed an hour ago; the applications came in over the ten days before. Statuses: one
    hire, two more shortlisted, one withdrawal; devices and languages vary.
    """
    return kobe_call()


@shared_world
def kobe_world():
    """The site content and the call of ``kobe``, built once for each file's tests in a row (writes undone)."""
    site_content_now()
    return kobe_call()


@shared_world
def kobe_and_demo_users_world():
    """``kobe_world`` and the demo users, for the files whose staff sign in as them."""
    site_content_now()
    call_command("create_demo_users", stdout=io.StringIO())
    return kobe_call()


@pytest.fixture
def demo_users(kobe_and_demo_users_world):
    """The demo users, made with the Kobe world they come with here (rather than once more for each test)."""


def kobe_call():
    """What the ``kobe`` fixture gives (the call and its three roles), for a shared world."""
    org = hyogo_city()
    call = f.call(organisation=org)
    CallPage.objects.filter(pk=call.pk).update(shortlist_factor=3)  # three shortlisted for the one newsletter post
    closes = timezone.now() - timedelta(hours=1)
    newsletter = f.role(call, title="広報紙連載", headcount=1, closes_at=closes)
    instagram = f.role(call, title="Instagram記事", headcount=3, closes_at=closes)
    quiet = f.role(call, title="動画企画", headcount=2, closes_at=closes)
    contractor = staff("kobe_contractor", SCREENING_CONTRACTORS, call=call)
    decider = staff("kobe_decider", CITY_APPROVERS, organisation=org)
    day0 = start_of_day(12)
    # 14 applications from 11 people; a repeat applicant chooses other roles the second time.
    places = ["兵庫県"] * 5 + ["東京都"] * 3 + ["大阪府"] * 2 + ["沖縄県"]
    applications = [
        submit(
            call,
            [newsletter, instagram] if n % 2 else [newsletter],
            email=f"p{n}@example.jp",
            prefecture=place,
            when=day0 + timedelta(hours=20 * n),
            language="en" if n == 10 else "ja",
            device=["phone", "phone", "desktop", "tablet"][n % 4],
        )
        for n, place in enumerate(places)
    ]
    for n in (4, 6, 8):  # the second application of three people, on the last day, to other roles
        submit(call, [quiet] if n != 8 else [instagram], email=f"P{n}@Example.jp", prefecture="東京都",
               when=day0 + timedelta(days=9, hours=23, minutes=30))  # fmt: skip
    for n in (0, 1, 2):
        shortlist(first_candidacy(applications[n]), contractor)
    select(first_candidacy(applications[0]), decider)
    withdraw(first_candidacy(applications[3]))
    call.refresh_from_db()
    return call, [newsletter, instagram, quiet]


@pytest.fixture
def kobe_staff(kobe):
    call, _roles = kobe
    from applications.models import Assignment

    contractor = Assignment.objects.select_related("user").get(call=call).user
    return {"contractor": contractor}
