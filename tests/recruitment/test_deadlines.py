"""The one deadline rule: state at the edges of a deadline in Japan time, SQL and Python agreeing."""

from __future__ import annotations

import os
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from recruitment.deadlines import RoleState, next_state_change, role_state, state_changes
from recruitment.models import RolePage
from tests.recruitment import factories as f

JST = ZoneInfo("Asia/Tokyo")
DEADLINE = datetime(2026, 12, 10, 23, 59, tzinfo=JST)


@pytest.fixture(autouse=True)
def process_in_utc():
    """Run as a server in UTC would: nothing may depend on the machine's local time zone."""
    previous = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    yield
    if previous is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = previous
    time.tzset()


def _state(now: datetime, **kwargs) -> RoleState:
    args = {"role_live": True, "call_live": True, "opens_at": None, "closes_at": DEADLINE, **kwargs}
    return role_state(now=now, **args)


@pytest.mark.parametrize(
    ("offset", "expected"),
    [
        (timedelta(seconds=-1), RoleState.CLOSING_SOON),
        (timedelta(0), RoleState.CLOSED),
        (timedelta(seconds=1), RoleState.CLOSED),
        (timedelta(hours=-72), RoleState.CLOSING_SOON),
        (timedelta(hours=-72, seconds=-1), RoleState.OPEN),
    ],
)
def test_state_around_the_deadline(offset, expected):
    assert _state(DEADLINE + offset) == expected


def test_deadline_is_japan_time_not_utc():
    # 23:59 in Kobe is 14:59 UTC: a minute later in UTC the role is closed.
    assert _state(datetime(2026, 12, 10, 14, 58, 59, tzinfo=ZoneInfo("UTC"))) == RoleState.CLOSING_SOON
    assert _state(datetime(2026, 12, 10, 14, 59, 0, tzinfo=ZoneInfo("UTC"))) == RoleState.CLOSED


def test_upcoming_before_opening_and_closed_when_unpublished():
    opens = DEADLINE - timedelta(days=10)
    assert _state(opens - timedelta(seconds=1), opens_at=opens) == RoleState.UPCOMING
    assert _state(opens, opens_at=opens) == RoleState.OPEN
    assert _state(opens, role_live=False) == RoleState.CLOSED
    assert _state(opens, call_live=False) == RoleState.CLOSED


def test_state_changes_are_exactly_where_the_rule_changes():
    """The page cache expires at these instants, so they must be the rule's own edges, no more, no fewer."""
    opens = DEADLINE - timedelta(days=20)
    changes = state_changes(opens_at=opens, closes_at=DEADLINE)
    assert changes == (opens, DEADLINE - timedelta(hours=72), DEADLINE)

    def state(at):
        return role_state(role_live=True, call_live=True, opens_at=opens, closes_at=DEADLINE, now=at)

    tick = timedelta(microseconds=1)
    for change in changes:
        assert state(change - tick) != state(change), change
    edges, at = [], opens - timedelta(days=1)
    while (at := next_state_change(opens_at=opens, closes_at=DEADLINE, now=at)) is not None:
        edges.append(at)
    assert tuple(edges) == changes


@pytest.mark.django_db
@pytest.mark.parametrize("offset", [timedelta(seconds=-1), timedelta(0), timedelta(seconds=1)])
def test_database_filter_agrees_with_the_rule(offset):
    live_call = f.call()
    hidden_call = f.call(live=False)
    opens = DEADLINE - timedelta(days=5)
    roles = [
        f.role(live_call, closes_at=DEADLINE),
        f.role(live_call, closes_at=DEADLINE, opens_at=opens),
        f.role(live_call, closes_at=DEADLINE + timedelta(days=1), opens_at=DEADLINE),
        f.role(live_call, closes_at=DEADLINE, live=False),
        f.role(hidden_call, closes_at=DEADLINE),
    ]
    now = DEADLINE + offset
    with time_machine.travel(now, tick=False):
        in_sql = set(RolePage.objects.open_at().values_list("pk", flat=True))
        in_python = {r.pk for r in RolePage.objects.with_call() if r.state().accepts_applications}
    assert in_sql == in_python
    assert (roles[0].pk in in_sql) is (offset < timedelta(0))
    assert roles[3].pk not in in_sql
    assert roles[4].pk not in in_sql


@pytest.mark.django_db
def test_role_page_shows_the_deadline_the_japanese_way(client, site_content):
    call = f.call()
    role = f.role(call, closes_at=DEADLINE)
    with time_machine.travel(DEADLINE - timedelta(days=10), tick=False):
        html = client.get(role.url).content.decode()
        english = client.get("/en" + role.url).content.decode()
    assert "締切: 2026年12月10日(木) 23:59</strong>" in html  # 締切 said once, before the date
    assert "23:59 締切" not in html
    assert "Thu 10 Dec 2026, 23:59 JST" in english
    assert 'id="apply"' in html


@pytest.mark.django_db
def test_closed_role_is_readable_but_offers_no_apply_button(client, site_content):
    call = f.call()
    role = f.role(call, closes_at=DEADLINE)
    with time_machine.travel(DEADLINE + timedelta(seconds=1), tick=False):
        response = client.get(role.url)
        call_html = client.get(call.url).content.decode()
    html = response.content.decode()
    assert response.status_code == 200
    assert "受付終了" in html
    assert 'id="apply"' not in html
    assert "締切までに" not in html  # no advice to finish before a deadline that has passed
    assert "受付終了" in call_html
