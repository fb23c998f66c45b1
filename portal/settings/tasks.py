"""Celery settings: the broker, results, queues and the beat schedule (star-imported by ``base``)."""

from __future__ import annotations

import os

from celery.schedules import crontab

from .env import VAR_DIR

# Redis when CELERY_BROKER_URL is set; otherwise kombu's filesystem transport,
# so the worker started by `make run` is a real separate process without Redis.

CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {}
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
elif CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    # A task not acknowledged within this time is delivered again: longer than the longest
    # task may run (CELERY_TASK_TIME_LIMIT below), so a live render is never handed out twice.
    # A killed worker's export does not wait for it: the stall sweep re-queues the job once its
    # heartbeat is older than the lease (exports/jobs.py), about a minute.
    # The socket timeouts end a blocked command on a broker that accepts but does not answer
    # (the workers reconnect); requests publish with shorter ones still (portal/celery.py).
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": 15 * 60 + 60,
        "socket_connect_timeout": 5,
        "socket_timeout": 10,
    }
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND") or (
    CELERY_BROKER_URL if CELERY_BROKER_URL.startswith(("redis://", "rediss://")) else f"file://{VAR_DIR / 'results'}"
)
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_RESULT_EXPIRES = 24 * 3600
# Acknowledge after the task ran, and give it back if the worker dies, so a
# killed worker means a re-run, never a lost job; tasks are idempotent.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 15 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 14 * 60
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Two queues. The default one ("celery") carries mail and the other short tasks; the PDF
# exports, which render for up to a minute, have a queue of their own consumed by a worker
# of their own (Procfile.dev, README "Production"), so a render never delays an email.
CELERY_TASK_DEFAULT_QUEUE = "celery"
KOBO_EXPORTS_QUEUE = "exports"
CELERY_TASK_ROUTES = {"exports.tasks.render_export": {"queue": KOBO_EXPORTS_QUEUE}}
# A web request that queues a task must not hang when the broker is down or hangs: it
# publishes through ``cms.web.broker.publish_from_request`` with these socket timeouts and no
# retry (the outbox and the exports' stall sweep make up for a lost message).
KOBO_BROKER_REQUEST_TIMEOUT = 0.5
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_WORKER_SEND_TASK_EVENTS = False
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")


def _beat(task: str, schedule: float | crontab, *, expires: int) -> dict[str, object]:
    """One beat entry: a run still queued ``expires`` seconds after it was sent is dropped (the next one follows)."""
    return {"task": task, "schedule": schedule, "options": {"expires": expires}}


# The beat schedule lives in code (reviewed, versioned, the same on every
# machine); see docs/adr/0002-beat-schedule-in-code.md.
CELERY_BEAT_SCHEDULE = {
    "requeue-stalled-exports": _beat("exports.tasks.requeue_stalled_exports", 15.0, expires=14),
    "send-outbox": _beat("applications.tasks.send_outbox", 60.0, expires=55),
    "publish-scheduled-pages": _beat("portal.tasks.publish_scheduled", 60.0, expires=55),
    "send-draft-reminders": _beat("applications.tasks.send_reminders", 600.0, expires=590),
    "expire-draft-files": _beat("applications.tasks.expire_draft_files", 3600.0, expires=3500),
    "send-deadline-notices": _beat("applications.tasks.send_deadline_notices", 300.0, expires=290),
    "send-interview-reminders": _beat("applications.tasks.send_interview_reminders", 600.0, expires=590),
    "purge-expired": _beat("portal.tasks.purge_expired", crontab(hour=3, minute=30), expires=3600),
}
