"""Settings for ``make run`` on a developer's machine: debug on, demo users allowed."""

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = SECRET_KEY or "local-only-not-secret-kobo-development-key-0123456789abcdef"  # noqa: F405
KOBO_DEMO_ALLOWED = True
# Plain static storage so runserver works before collectstatic.
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
