"""The Kobe demo's statistics show the real call's shape, from the generated applications (nothing typed in)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from applications.demo import ensure_demo_screening, generate_demo_applications
from applications.models import Application, Review
from applications.statistics.aggregates import call_statistics
from recruitment.demo import ensure_kobe_demo
from tests.conftest import demo_site, shared_world

pytestmark = pytest.mark.django_db

NEWSLETTER = "広報紙連載記事制作"


#: What `load_demo_applications --count 1300` gives a visitor: the size of Kobe's real response.
APPLICATIONS = 1300


@shared_world
def kobe_1300_applications():
    """The Kobe demo with 1,300 generated applications, screener2 reviewing as in `make run`: built once."""
    demo_site()
    call = ensure_kobe_demo()
    users = ensure_demo_screening(call)
    assert generate_demo_applications(call=call, count=APPLICATIONS, reviewers=[users["screener2"]]) == APPLICATIONS
    return call


@pytest.fixture
def kobe(kobe_1300_applications):
    return kobe_1300_applications


def test_thirteen_hundred_applications_in_one_call(kobe):
    """Kobe's scale in the one call, made in one run of the generator (the world's)."""
    assert Application.objects.filter(call=kobe, answers__demo=True).count() == APPLICATIONS
    assert Application.objects.count() == APPLICATIONS
    assert Review.objects.filter(candidacy__application__call=kobe).exists()


def test_the_demo_has_a_deadline_surge_a_newsletter_far_ahead_and_about_half_from_outside_hyogo(kobe):
    stats = call_statistics(call=kobe)
    assert stats.applications == APPLICATIONS
    assert 0.8 * APPLICATIONS < stats.people < APPLICATIONS  # some people applied twice: people and applications differ

    per_post = sorted(((r.per_post, r.role.category.name) for r in stats.roles), reverse=True)
    assert per_post[0][1] == NEWSLETTER
    assert per_post[0][0] > 2 * per_post[1][0]  # far ahead of the next role

    assert stats.home_prefecture == "28"  # Kobe is in Hyogo
    assert stats.devices["phone"] > stats.devices["desktop"] > stats.devices["tablet"] > 0  # mostly from phones
    assert sum(stats.devices.values()) == stats.applications
    assert 40 <= stats.share_outside <= 65

    days = [d.day for d in stats.days]
    closed = [d for d in stats.days if d.deadlines and d.day <= days[-1] and d.cumulative < stats.applications]
    assert closed, "one Kobe role has closed when the demo is loaded"
    deadline = days.index(closed[0].day)
    last_two = sum(d.applications for d in stats.days[deadline - 1 : deadline + 1])
    two_before = sum(d.applications for d in stats.days[deadline - 3 : deadline - 1])
    assert last_two > two_before  # the surge before the deadline


def test_the_admin_page_of_the_demo_call_renders_its_charts(client, kobe):
    users = ensure_demo_screening(kobe)
    client.force_login(users["approver"])
    html = client.get(reverse("call_statistics", args=[kobe.pk])).content.decode()
    assert html.count("<svg") >= 3  # the days, the tile map of the 47 prefectures, the largest prefectures
    assert "兵庫県以外から" in html
    assert 'id="stat-devices"' in html


def test_the_demo_calls_public_results_keep_its_shape_after_suppression(client, kobe):
    """Small cells and their complements are hidden, yet the public figures still tell the call's story."""
    import json

    from django.core.cache import cache

    cache.clear()
    kobe.results_published = True
    kobe.save_revision().publish()
    city, slug = kobe.organisation.slug, kobe.slug
    data = json.loads(client.get(reverse("call_results_json", args=[city, slug])).content)
    html = client.get(reverse("call_results", args=[city, slug])).content.decode()
    totals = data["totals"]
    assert (totals["applications"], totals["applications_per_post"]) == (
        APPLICATIONS,
        round(totals["applications_per_post"], 1),
    )
    assert 0.8 * APPLICATIONS < totals["people"] < APPLICATIONS
    assert 40 <= totals["share_outside_prefecture_percent"] <= 65  # roughly half from outside Hyogo
    ratios = sorted(((r["applications_per_post"] or 0, r["category"]) for r in data["roles"]), reverse=True)
    assert ratios[0][1] == NEWSLETTER
    assert ratios[0][0] > 2 * ratios[1][0]  # the newsletter far ahead
    prefectures = {p["code"]: p["people"] for p in data["prefectures"]}
    assert prefectures["28"] > prefectures["13"] > 0  # Hyogo, then Tokyo, both shown
    assert 'id="results-prefectures"' in html
    cache.clear()
