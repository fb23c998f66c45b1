"""The odd-value walk of ``tests/test_odd_values_walk.py`` as the city's contractor and as its approver.

A file of its own so that under ``pytest -n`` (whole files to a process) the walk's requests are shared
by two processes.
"""

from __future__ import annotations

import pytest

from tests.test_odd_values_walk import STAFF_WALKS, walk_odd_values

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("identity", STAFF_WALKS)
def test_no_url_answers_a_server_error_to_odd_values(identity, site_content, settings):
    settings.RATELIMIT_ENABLE = False
    walk_odd_values(identity)
