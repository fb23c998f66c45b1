"""WSGI entry point for gunicorn: ``gunicorn portal.wsgi``.

Production settings unless ``DJANGO_SETTINGS_MODULE`` says otherwise, like ``manage.py`` and
the Celery app (docs/adr/0005-production-is-the-default-settings.md).
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.production")

application = get_wsgi_application()
