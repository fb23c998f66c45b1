"""One draft open in eight tabs that post the same step at once: its count moves to the next step once.

On PostgreSQL the tabs really run at the same time (``draft_save`` reads the stored step under the row's
lock); on SQLite they queue for the database's one writer, which shows the same result.
"""

from __future__ import annotations

import pytest
from django.test import Client

from applications.statistics.aggregates import call_statistics
from tests.applications.wizard_helpers import GOOD_ANSWERS, post_step, walk
from tests.concurrency import at_once, committed_open_role
from tests.statistics.helpers import expected_figures, tallies_equal_rows

pytestmark = pytest.mark.django_db(transaction=True)

TABS = 8


def test_eight_tabs_posting_the_same_step_move_the_drafts_count_once(transactional_db):
    call, role = committed_open_role()
    first = Client(raise_request_exception=False)
    walk(first, call, [role.pk], until="experience")
    tabs = []
    for _ in range(TABS):
        tab = Client(raise_request_exception=False)
        tab.cookies = first.cookies  # one visitor, several tabs
        tabs.append(tab)
    statuses = at_once(lambda tab: post_step(tab, call, "experience", GOOD_ANSWERS["experience"]).status_code, tabs)
    assert len(statuses) == TABS
    assert set(statuses) <= {200, 302}, statuses

    want = expected_figures(call)
    assert (want["drafts_started"], dict(want["drafts_stopped"])) == (1, {"portfolio": 1})
    stats = call_statistics(call=call)
    assert {s.step: s.stopped for s in stats.steps if s.stopped} == {"portfolio": 1}
    assert tallies_equal_rows(call)
