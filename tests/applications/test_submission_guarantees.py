"""Nothing lost, nothing twice: concurrent submits and a broker outage.

These tests commit for real (transactional) because several connections or a
real worker must see the data.
"""

from __future__ import annotations

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.test import Client

from applications.models import Application, Candidacy, OutboxEmail
from applications.tasks import send_outbox
from tests.applications.wizard_helpers import post_step, walk
from tests.celery_helpers import broker, closed_port
from tests.concurrency import at_once, committed_open_role, require_postgresql

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def kobe_like(transactional_db):
    return committed_open_role()


def _require_postgresql():
    require_postgresql("row locks need PostgreSQL (run with DATABASE_URL=postgres://…; CI does)")


def _final_submits_at_once(call, browsers) -> list:
    return at_once(lambda client: post_step(client, call, "review", {}), browsers, timeout=60)


def test_two_simultaneous_final_submits_give_one_application(kobe_like):
    _require_postgresql()
    call, role = kobe_like
    browser = Client()
    walk(browser, call, [role.pk], until="review")
    second_tab = Client()
    second_tab.cookies = browser.cookies  # the same visitor, two tabs
    results = _final_submits_at_once(call, [browser, second_tab])

    assert Application.objects.count() == 1
    assert Candidacy.objects.count() == 1
    reference = Application.objects.get().reference
    assert [r.status_code for r in results] == [302, 302]
    assert {r["Location"] for r in results} == {f"/apply/receipt/{reference}/"}
    assert OutboxEmail.objects.filter(kind="confirmation").count() == 1


def test_broker_outage_delays_the_email_but_loses_nothing(kobe_like, caplog):
    call, role = kobe_like
    with broker(f"redis://127.0.0.1:{closed_port()}/0"):
        response = walk(Client(), call, [role.pk])
    # The applicant got a reference although the broker was down.
    assert response.status_code == 302
    application = Application.objects.get()
    assert response["Location"] == f"/apply/receipt/{application.reference}/"
    pending = OutboxEmail.objects.get(kind="confirmation")
    assert pending.sent_at is None
    assert mail.outbox == []
    assert "could not queue the sender" in caplog.text

    # The broker is back: beat's next run reaches a real worker, which sends the mail once.
    with broker(None) as real, start_worker(real, perform_ping_check=False, pool="solo", shutdown_timeout=10):
        send_outbox.apply_async().get(timeout=30, disable_sync_subtasks=False)
        send_outbox.apply_async().get(timeout=30, disable_sync_subtasks=False)
    pending.refresh_from_db()
    assert pending.sent_at is not None
    assert [m.subject for m in mail.outbox].count(pending.subject) == 1
    assert any(application.reference in m.subject for m in mail.outbox)


def test_two_people_submitting_the_same_email_and_role_at_once_get_one_candidacy(kobe_like):
    """Two drafts (two browsers) of one person race for one role: one application, a message for the other."""
    _require_postgresql()
    call, role = kobe_like
    browsers = [Client(), Client()]
    for browser in browsers:
        walk(browser, call, [role.pk], until="review")
    results = _final_submits_at_once(call, browsers)
    assert Application.objects.count() == 1
    assert Candidacy.objects.count() == 1
    assert sorted(r.status_code for r in results) == [200, 302]
    refused = next(r for r in results if r.status_code == 200).content.decode()
    assert "受け付けられませんでした" in refused
    assert Application.objects.get().reference not in refused
