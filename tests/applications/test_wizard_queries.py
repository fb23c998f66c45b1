"""A wizard step costs the same queries whether the call has three roles or forty."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.applications.wizard_helpers import step_url, walk
from tests.recruitment import factories as f

pytestmark = pytest.mark.django_db


def _step_page(client, call, step: str) -> tuple[int, str]:
    """The step's page as the applicant opens it: its query count and its HTML."""
    url = step_url(call, step)
    client.get(url)  # warm per-process caches (site root paths, content types)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries.captured_queries), response.content.decode()


@pytest.mark.parametrize("step", ["roles", "check", "portfolio", "review"])
def test_step_page_queries_do_not_grow_with_the_roles_of_the_call(client, site_content, step):
    counts = []
    for n in (3, 40):
        call = f.call()
        roles = [f.role(call, title=f"業務{i:02d}番", category=f.category()) for i in range(n)]
        chosen = roles[-1]  # the last of the call, so that it is not the first one loaded
        if step != "roles":
            walk(client, call, [chosen.pk], until=step)
        count, html = _step_page(client, call, step)
        counts.append(count)
        if step == "roles":
            assert all(f"業務{i:02d}番" in html for i in range(n))  # every open role is offered
        elif step in ("check", "review"):
            assert chosen.title in html  # what the chosen role expects; the role as the first preference
    assert counts[0] == counts[1], counts
