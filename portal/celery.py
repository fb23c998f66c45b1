"""The Celery app. Configuration comes from Django settings (``CELERY_*``); requests queue through
``cms.web.broker`` (short timeouts, one try), each task bringing this app.

Without ``DJANGO_SETTINGS_MODULE`` a worker or beat loads the production settings, which
refuse to start without their secrets: a worker never runs silently with the local
settings (debug, console mail). ``make run`` sets the local settings explicitly
(docs/adr/0005-production-is-the-default-settings.md).
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.production")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
