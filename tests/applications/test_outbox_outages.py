"""The outbox through crashes and broker outages: at most one repeat per crash, no live link kept, no held response.

The crash test runs a real Celery worker process against a slow local SMTP sink and kills it
(SIGKILL) mid-batch, twice: every row is delivered, and no more than rows + kills messages arrive.
"""

from __future__ import annotations

import contextlib
import signal
import time
import uuid
from collections import Counter

import pytest
from django.core import mail
from django.db import transaction

from applications.mail.outbox import message_id, outbox_enqueue, outbox_send_pending
from applications.models import OutboxEmail
from applications.tasks import send_outbox
from tests.celery_helpers import broker, closed_port, process_env, routes, stop, worker_process
from tests.fault_servers import SmtpSink, hanging_port

ROWS = 40
LEASE = 3


def _rows(n: int, prefix: str) -> None:
    OutboxEmail.objects.bulk_create(
        OutboxEmail(
            key=f"{prefix}:{i}",
            to=f"p{i}@example.jp",
            subject=f"件名 {i}",
            body=f"本文 https://kobo.example.jp/apply/manage/secret-token-{i}/",
            kind="confirmation",
        )
        for i in range(n)
    )


def _wait(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    pytest.fail(f"timed out waiting for {what}")


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_mail_worker_killed_mid_batch_repeats_at_most_one_message_per_kill(tmp_path):
    sink = SmtpSink(delay=0.15)
    queue = f"mail-test-{uuid.uuid4().hex[:12]}"
    _rows(ROWS, "crash")
    env = process_env(KOBO_OUTBOX_LEASE_SECONDS=str(LEASE))
    setup = (
        "from django.conf import settings\n"
        "settings.EMAIL_BACKEND = 'django.core.mail.backends.smtp.EmailBackend'\n"
        f"settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = '127.0.0.1', {sink.port}, False\n"
    )
    log = tmp_path / "worker.log"
    kills = 0
    worker = None
    try:
        with broker() as real, routes({"applications.tasks.send_outbox": {"queue": queue}}):
            for kill_after in (8, 20):
                worker = worker_process(queue=queue, env=env, setup=setup, log=log)
                send_outbox.apply_async()
                _wait(lambda n=kill_after: len(sink.received()) >= n, 60, f"{kill_after} messages")
                worker.send_signal(signal.SIGKILL)  # mid-batch: one message delivered, not yet marked sent
                worker.wait(timeout=10)
                kills += 1
            worker = worker_process(queue=queue, env=env, setup=setup, log=log)
            deadline = time.monotonic() + 90
            while OutboxEmail.objects.filter(sent_at__isnull=True).exists() and time.monotonic() < deadline:
                send_outbox.apply_async()  # as beat does every minute; a held row is free again after the lease
                time.sleep(1.5)
            stop(worker)
            with real.connection_for_write() as connection, contextlib.suppress(Exception):
                connection.default_channel.queue_purge(queue)  # the nudges nobody needed any more
    finally:
        if worker is not None and worker.poll() is None:
            worker.kill()
        sink.close()

    rows = list(OutboxEmail.objects.order_by("pk"))
    assert all(row.sent_at for row in rows), log.read_text()[-3000:]
    received = sink.received()
    per_recipient = Counter(str(m["To"]) for m in received)
    assert set(per_recipient) == {row.to for row in rows}  # every row delivered
    assert len(received) <= ROWS + kills, per_recipient.most_common(5)
    repeated = {to for to, n in per_recipient.items() if n > 1}
    assert all(per_recipient[to] == 2 for to in repeated)
    # The row says so, and the repeat carries the same Message-ID, so a receiving system can drop it.
    assert {row.to for row in rows if row.interrupted} >= repeated
    for message in received:
        row = next(r for r in rows if r.to == str(message["To"]))
        assert message["Message-ID"] == message_id(row.key)
    # Nothing of the live links is left in the outbox once sent.
    assert not any("secret-token" in row.body + row.html_body for row in rows)


@pytest.mark.django_db
def test_a_sent_row_keeps_its_subject_and_recipient_but_not_its_body():
    _rows(3, "blank")
    mail.outbox.clear()
    assert outbox_send_pending() == 3
    assert len(mail.outbox) == 3
    assert all("secret-token" in m.body for m in mail.outbox)
    for row in OutboxEmail.objects.all():
        assert (row.body, row.html_body) == ("", "")
        assert row.subject.startswith("件名")
        assert row.to.endswith("@example.jp")
        assert row.sent_at
        assert row.claimed_at is not None
        assert row.attempts == 1
        assert row.interrupted == 0
    assert mail.outbox[0].extra_headers["Message-ID"] == message_id("blank:0")


def test_the_message_id_is_the_same_for_every_try_and_unique_per_key(settings):
    settings.KOBO_PUBLIC_URL = "https://kobo.example.jp"
    assert message_id("a:1") == message_id("a:1")
    assert message_id("a:1") != message_id("a:2")
    assert message_id("a:1").endswith("@kobo.example.jp>")


@pytest.mark.django_db
def test_a_failed_send_releases_the_row_with_its_error(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, False, 1
    _rows(1, "fail")
    assert outbox_send_pending() == 0
    row = OutboxEmail.objects.get()
    assert row.sent_at is None
    assert row.claimed_at is None
    assert row.attempts == 1
    assert row.last_error
    assert "secret-token" in row.body


@pytest.fixture(params=["refused", "hanging"])
def dead_broker_port(request):
    if request.param == "refused":
        yield closed_port()
    else:
        with hanging_port() as port:
            yield port


@pytest.mark.django_db(transaction=True)
def test_writing_mail_never_waits_on_a_dead_broker(django_capture_on_commit_callbacks, dead_broker_port):
    """The on-commit nudge gives up within a second (one try, 0.5 s socket timeouts); the row waits for beat."""
    with broker(f"redis://127.0.0.1:{dead_broker_port}/0"):
        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            assert outbox_enqueue(
                to="a@example.jp", kind="erasure_done", language="ja", key="hang:1", values={"reference": "K-1"}
            )
        elapsed = time.monotonic() - started
    assert elapsed < 1.0, elapsed
    assert OutboxEmail.objects.get(key="hang:1").sent_at is None
