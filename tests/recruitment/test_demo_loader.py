"""The Kobe 2020 demo loader: idempotent, realistic, and open (but not entirely) when loaded."""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from recruitment.deadlines import RoleState
from recruitment.demo import CATEGORIES, KOBE_CALL, MIKI_CALL, ensure_kobe_demo
from recruitment.models import CallIndexPage, CallPage, Organisation, RolePage, TaskCategory
from tests.conftest import shared_world

pytestmark = pytest.mark.django_db

JST = ZoneInfo("Asia/Tokyo")


def _counts() -> dict[str, int]:
    return {
        "organisations": Organisation.objects.count(),
        "categories": TaskCategory.objects.count(),
        "call_indexes": CallIndexPage.objects.count(),
        "calls": CallPage.objects.count(),
        "roles": RolePage.objects.count(),
    }


def _load() -> str:
    out = io.StringIO()
    call_command("load_kobe_demo", stdout=out)
    return out.getvalue()


@shared_world
def kobe_loaded_by_command() -> tuple[CallPage, str]:
    """The demo as `load_kobe_demo` loads it into an empty site, and what it printed: built once for the file."""
    printed = _load()
    return CallPage.objects.get(slug=KOBE_CALL["slug"]), printed


@pytest.fixture
def kobe(kobe_loaded_by_command) -> CallPage:
    return kobe_loaded_by_command[0]


def _roles(call: CallPage) -> list[RolePage]:
    return list(RolePage.objects.child_of(call).with_call().select_related("category"))


def test_command_is_idempotent_and_reports_counts(kobe_loaded_by_command):
    _kobe, first = kobe_loaded_by_command
    counts = _counts()
    assert counts == {"organisations": 2, "categories": 10, "call_indexes": 1, "calls": 2, "roles": 13}
    assert "2 calls, 13 roles, 43 people" in first
    second = _load()
    assert _counts() == counts
    assert second == first


def _latest_revisions() -> dict[int, int]:
    return dict(CallPage.objects.values_list("pk", "latest_revision_id")) | dict(
        RolePage.objects.values_list("pk", "latest_revision_id")
    )


def test_second_run_publishes_nothing_new(kobe):
    revisions = _latest_revisions()
    ensure_kobe_demo()
    assert _latest_revisions() == revisions


def test_loader_updates_what_was_edited(kobe):
    role = RolePage.objects.child_of(kobe).get(slug="instagram-articles")
    role.headcount = 30
    role.save_revision().publish()
    ensure_kobe_demo()
    role.refresh_from_db()
    assert role.headcount == 3
    assert not role.has_unpublished_changes


def test_kobe_call_has_ten_roles_in_ten_categories_for_forty_people(kobe):
    roles = _roles(kobe)
    assert kobe.organisation.slug == "kobe"
    assert kobe.organisation.reference_prefix == "KOBE"
    assert len(roles) == 10
    assert {role.category.name for role in roles} == {spec["name"] for spec in CATEGORIES}
    assert sum(role.headcount for role in roles) == 40
    assert all(1 <= role.headcount <= 7 for role in roles)
    assert {role.category.slug: role.headcount for role in roles}["newsletter-serial"] == 1
    assert {role.category.slug: role.headcount for role in roles}["sns-banner-design"] == 5


def test_reported_pay_examples(kobe):
    by_slug = {role.category.slug: role for role in _roles(kobe)}
    assert (by_slug["website-monitoring"].pay_text, by_slug["website-monitoring"].pay_min) == (
        "月1万円程度(約3ページ)",
        10000,
    )
    assert by_slug["instagram-articles"].pay_basis == RolePage.PayBasis.PIECE
    assert by_slug["instagram-articles"].pay_min == 6000
    assert by_slug["pr-video-planning"].pay_min == 100000
    assert by_slug["pr-video-planning"].pay_basis == RolePage.PayBasis.MONTH


def test_roles_have_rubrics_and_sensible_hours(kobe):
    for role in _roles(kobe):
        assert 3 <= len(role.rubric) <= 4
        assert all(block.value["max_score"] == 5 for block in role.rubric)
        assert 1 <= role.hours_min <= role.hours_max <= 30
    for category in TaskCategory.objects.all():
        assert 3 <= len(category.rubric) <= 4


def test_deadlines_differ_per_role_and_fall_at_2359_japan_time(kobe):
    roles = _roles(kobe)
    assert len({role.closes_at for role in roles}) == 10
    for role in roles:
        local = timezone.localtime(role.closes_at, JST)
        assert (local.hour, local.minute) == (23, 59)


def test_one_kobe_role_closed_and_one_closing_soon(kobe):
    states = {role.category.slug: role.state() for role in _roles(kobe)}
    assert [slug for slug, state in states.items() if state == RoleState.CLOSED] == ["newsletter-serial"]
    assert RoleState.CLOSING_SOON in states.values()
    assert RoleState.UPCOMING not in states.values()
    now = timezone.now()
    open_deadlines = [role.closes_at - now for role in _roles(kobe) if role.state().accepts_applications]
    assert all(timedelta(hours=0) < left <= timedelta(days=30) for left in open_deadlines)
    assert sum(left >= timedelta(days=4) for left in open_deadlines) >= 8


def test_call_page_shows_every_category_and_the_closed_role(client, kobe):
    response = client.get(kobe.url)
    html = response.content.decode()
    assert response.status_code == 200
    for spec in CATEGORIES:
        assert spec["name"] in html
    # 受付終了 is also a choice of the status filter, so look inside the role cards.
    closed_url = RolePage.objects.child_of(kobe).get(slug="newsletter-serial").url
    cards = html.split('<li class="role-card role-card--compact">')[1:]
    assert len(cards) == 10
    assert [closed_url in card for card in cards if "受付終了" in card] == [True]
    assert "企画調整局 広報戦略部" in html
    assert "成果報酬 月1万〜10万円程度(業務により異なる)" in html


def test_closed_role_page_has_no_apply_button(client, kobe):
    closed = RolePage.objects.child_of(kobe).get(slug="newsletter-serial")
    html = client.get(closed.url).content.decode()
    assert "受付終了" in html
    assert 'id="apply"' not in html


def test_open_role_page_has_apply_button(client, kobe):
    role = RolePage.objects.child_of(kobe).get(slug="pr-video-planning")
    response = client.get(role.url)
    assert response.status_code == 200
    assert 'id="apply"' in response.content.decode()


def test_second_municipality_call_is_open(kobe):
    miki = CallPage.objects.get(slug=MIKI_CALL["slug"])
    roles = _roles(miki)
    assert miki.live
    assert miki.organisation.slug == "miki"
    assert miki.organisation.reference_prefix == "MIKI"
    assert 2 <= len(roles) <= 3
    assert sum(role.headcount for role in roles) == 3
    assert all(role.state().accepts_applications for role in roles)
    assert {role.category_id for role in roles} <= set(TaskCategory.objects.values_list("pk", flat=True))
    assert TaskCategory.objects.count() == 10  # the second call reuses the categories


def test_the_call_index_lists_both_calls(client, kobe):
    html = client.get("/").content.decode()
    assert KOBE_CALL["title"] in html
    assert MIKI_CALL["title"] in html


# Loads into an empty site (no shared world): last, so the world above is built once.
@pytest.mark.parametrize(("hour", "minute"), [(0, 0), (12, 0), (23, 58)])
def test_states_hold_at_any_time_of_day(hour, minute):
    now = datetime(2026, 3, 10, hour, minute, tzinfo=JST)
    with time_machine.travel(now, tick=False):
        kobe = ensure_kobe_demo()
        states = [role.state() for role in _roles(kobe)]
    assert states.count(RoleState.CLOSED) == 1
    assert states.count(RoleState.CLOSING_SOON) >= 1


def test_loading_on_a_later_day_moves_the_deadlines_without_new_pages():
    earlier = ensure_kobe_demo(now=datetime(2026, 3, 10, 9, 0, tzinfo=JST))
    before = {role.slug: role.closes_at for role in _roles(earlier)}
    counts = _counts()
    later = ensure_kobe_demo(now=datetime(2026, 3, 17, 9, 0, tzinfo=JST))
    after = {role.slug: role.closes_at for role in _roles(later)}
    assert _counts() == counts
    assert all(after[slug] - before[slug] == timedelta(days=7) for slug in before)
