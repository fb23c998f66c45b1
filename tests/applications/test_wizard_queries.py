"""A wizard step costs the same queries whether the call has three roles or twelve."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
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


#: The step pages measured: the roles offered, what the chosen role expects, the files, the summary.
STEPS = ("roles", "check", "portfolio", "review")


def test_step_page_queries_do_not_grow_with_the_roles_of_the_call(site_content):
    """Each call is built once and every step measured on it, each by a new applicant (its own session)."""
    counts: dict[str, list[int]] = {step: [] for step in STEPS}
    for n in (3, 12):
        call = f.call()
        roles = [f.role(call, title=f"業務{i:02d}番", category=f.category()) for i in range(n)]
        chosen = roles[-1]  # the last of the call, so that it is not the first one loaded
        for step in STEPS:
            client = Client()
            if step != "roles":
                walk(client, call, [chosen.pk], until=step)
            count, html = _step_page(client, call, step)
            counts[step].append(count)
            if step == "roles":
                assert all(f"業務{i:02d}番" in html for i in range(n))  # every open role is offered
            elif step in ("check", "review"):
                assert chosen.title in html  # what the chosen role expects; the role as the first preference
    for step, (small, large) in counts.items():
        assert small == large, (step, counts)
