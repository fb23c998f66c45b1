"""Every number from outside goes through one parser (issue 19, finding 4): odd values are "no number", never a 500.

``"²"`` passes ``str.isdigit()`` but not ``int()``; ``2**70`` is past what the database holds.
Each of the server errors seen is asked again here, and the beat job that one bad draft stopped
for everyone must now skip that draft, log it and remind the others.
"""

from __future__ import annotations

import logging
import os
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from applications.intake.tokens import hash_token
from applications.mail.triggers.applicant import reminders_send
from applications.models import Candidacy, Draft, OutboxEmail
from applications.tasks import send_reminders
from cms.web.jobs import each_row_alone
from cms.web.numbers import MAX_ID, parse_id, parse_ids, parse_int
from tests.applications.wizard_helpers import choose_roles, step_url
from tests.conftest import shared_world, site_content_now
from tests.recruitment import factories as f

pytestmark = pytest.mark.django_db

SUPERSCRIPT_TWO = "²"
ODD = [SUPERSCRIPT_TWO, "１", "-1", "0", str(2**70), "9" * 5000, "\ud800", " 1", "1 ", "+1", "1.0", "", "0x1"]


@pytest.mark.parametrize("value", ODD)
def test_odd_values_are_no_number(value):
    assert parse_id(value) is None
    assert parse_ids([value, "7"]) == [7]


def test_ascii_digits_in_range_are_numbers():
    assert parse_id("12") == 12
    assert parse_id(str(MAX_ID)) == MAX_ID
    assert parse_id(str(MAX_ID + 1)) is None
    assert parse_int("0", minimum=0) == 0
    assert parse_int("6", maximum=5) is None
    assert parse_id(12) == 12
    assert parse_id(True) is None
    assert parse_id(None) is None


# --- the scheduled job -------------------------------------------------------------------------------


def _draft(call, values, *, email):
    return Draft.objects.create(
        token_hash=os.urandom(16).hex(),
        call=call,
        email=email,
        data={"step": "about", "step_data": {"roles": {"roles-roles": values}}, "step_files": {}},
        expires_at=timezone.now() + timedelta(days=3),
    )


@shared_world
def numbers_reminder_world():
    """A call whose role closes within a day (drafts for it are reminded), built once for the job's tests."""
    site_content_now()
    call = f.call()
    role = f.role(call, closes_at=timezone.now() + timedelta(hours=20))
    return call, role


@pytest.fixture
def reminder_world(numbers_reminder_world):
    return numbers_reminder_world


def test_a_draft_with_superscript_two_leaves_reminders_running_for_the_others(reminder_world, caplog):
    call, role = reminder_world
    _draft(call, [SUPERSCRIPT_TWO], email="bad@example.jp")
    _draft(call, [str(role.pk)], email="good@example.jp")
    assert reminders_send() == 1
    assert OutboxEmail.objects.filter(to="good@example.jp", kind="draft_reminder").count() == 1
    assert not OutboxEmail.objects.filter(to="bad@example.jp").exists()


def test_the_beat_task_carries_on_past_malformed_drafts(reminder_world):
    call, role = reminder_world
    for number, data in enumerate([["a list"], {"step_data": "text"}, {"step_data": {"roles": {"roles-roles": "1"}}}]):
        broken = _draft(call, [str(role.pk)], email=f"broken{number}@example.jp")
        Draft.objects.filter(pk=broken.pk).update(data=data)
    _draft(call, [str(role.pk), SUPERSCRIPT_TWO, str(2**70)], email="good@example.jp")
    send_reminders()
    assert list(OutboxEmail.objects.values_list("to", flat=True)) == ["good@example.jp"]


def test_a_row_that_fails_is_logged_and_the_job_carries_on(caplog):
    done = []
    with caplog.at_level(logging.ERROR, logger="kobo.jobs"):
        for row in ["first", "bad", "last"]:
            with each_row_alone("test job", row):
                if row == "bad":
                    raise ValueError(row)
                done.append(row)
    assert done == ["first", "last"]
    assert "test job: skipped 'bad'" in caplog.text


# --- the public wizard -------------------------------------------------------------------------------


@shared_world
def numbers_wizard_world():
    """A call with one open role, built once for the wizard's tests."""
    site_content_now()
    call = f.call()
    return call, f.role(call, closes_at=timezone.now() + timedelta(days=10))


@pytest.fixture
def call_and_role(numbers_wizard_world):
    return numbers_wizard_world


def test_roles_step_with_superscript_role_is_the_plain_step(call_and_role):
    call, _role = call_and_role
    response = Client().get(step_url(call, "roles") + f"?role={SUPERSCRIPT_TWO}")
    assert response.status_code == 200


@pytest.mark.parametrize("value", [SUPERSCRIPT_TWO, "１", str(2**70)])
def test_a_draft_holding_an_odd_role_still_answers(call_and_role, value):
    call, role = call_and_role
    client = Client()
    choose_roles(client, call, [role.pk])
    draft = Draft.objects.get()
    draft.data["step_data"]["roles"]["roles-roles"] = [value, str(role.pk)]
    draft.data["step_data"]["rank"] = {f"rank-role_{role.pk}": [SUPERSCRIPT_TWO]}
    draft.save()
    for step in ("roles", "check", "review"):
        assert client.get(step_url(call, step)).status_code == 200


def test_an_id_past_bigint_in_the_path_is_not_found(call_and_role):
    assert Client().get(f"/apply/{2**70}/roles/").status_code == 404
    assert Client().get(f"/apply/{2**70}/").status_code == 404


def test_manage_page_with_superscript_candidacy_answers(call_and_role):
    _call, role = call_and_role
    from tests.applications.factories import candidacy

    application = candidacy(role).application
    application.manage_token_hash = hash_token("manage-token-for-test")
    application.save()
    url = reverse("applications:manage", kwargs={"token": "manage-token-for-test"})
    response = Client().post(url, {"candidacy": [SUPERSCRIPT_TWO, str(2**70)]})
    assert response.status_code == 200
    assert application.candidacies.get().status != Candidacy.Status.WITHDRAWN


# --- the staff side -----------------------------------------------------------------------------------


@pytest.fixture
def cities(two_cities_world, settings):
    """Cities X and Y (``teams_world.two_cities_world``), with no rate limit for the staff side's many requests."""
    settings.RATELIMIT_ENABLE = False
    return two_cities_world


def _as(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("value", [SUPERSCRIPT_TWO, str(2**70), "-1"])
def test_staff_posts_with_odd_numbers_answer_without_server_error(cities, value):
    call, candidacy = cities.call_x, cities.candidacy_x
    contractor, approver = _as(cities.users["contractor_x"]), _as(cities.users["approver_x"])
    dashboard = reverse("screening_dashboard", args=[call.pk])
    candidacies = reverse("screening_candidacies", args=[call.pk])
    detail = reverse("screening_candidacy", args=[candidacy.pk])
    exports = reverse("exports_request", args=[call.pk])
    asked = [
        (contractor, dashboard, {"action": "submit", "role": value}),
        (approver, dashboard, {"action": "approve", "role": value}),
        (contractor, candidacies, {"action": "assign", "candidacy": value, "reviewer": value}),
        (contractor, candidacies, {"candidacy": value, "to": "in_review", "reason": "確認"}),
        (contractor, detail, {"action": "status", "to": "in_review", "reason": "確認", "version": value}),
        (approver, exports, {"kind": "csv", "candidacy": value}),
        (approver, exports, {"kind": "csv", "role": value}),
    ]
    for client, url, data in asked:
        response = client.post(url, data)
        assert response.status_code < 500, (url, data, response.status_code)
        assert response.status_code in (200, 302, 400, 404), (url, data, response.status_code)
    candidacy.refresh_from_db()
    assert candidacy.version == 1  # nothing moved


def test_staff_paths_past_bigint_are_not_found(cities):
    client = _as(cities.users["approver_x"])
    for name in ("screening_dashboard", "screening_candidacy", "screening_attachment", "exports_status"):
        url = reverse(name, args=[1]).replace("/1/", f"/{2**70}/")
        assert client.get(url).status_code == 404, url
