"""The Kōbo Django project: settings, URLs, the Celery app and site-wide templates."""

from .celery import app as celery_app

__all__ = ["celery_app"]
