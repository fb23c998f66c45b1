"""Production settings: everything secret or site-specific comes from the environment.

Refuses to start without SECRET_KEY, ALLOWED_HOSTS, a Redis CACHE_URL and
KOBO_TRUSTED_PROXY_COUNT. Runs behind a TLS terminating proxy that sets
X-Forwarded-Proto and appends to X-Forwarded-For.
"""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env_bool, env_int

DEBUG = False
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("django-insecure-"):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a random value of at least 50 characters in production "
        "(for example: python -c 'import secrets; print(secrets.token_urlsafe(64))'). "
        "For development, set DJANGO_SETTINGS_MODULE=portal.settings.local (make run does)."
    )
if not os.environ.get("ALLOWED_HOSTS"):
    raise ImproperlyConfigured("ALLOWED_HOSTS must name the site's host names in production.")

for _name in ("KOBO_PUBLIC_URL", "WAGTAILADMIN_BASE_URL"):
    if not os.environ.get("KOBO_PUBLIC_URL") or not globals()[_name].startswith("https://"):
        raise ImproperlyConfigured(
            f"{_name} must be the portal's public https address in production (e.g. https://kobo.example.jp): "
            "every link in every email starts with it."
        )

if not os.environ.get("CACHE_URL", "").startswith(("redis://", "rediss://")):
    raise ImproperlyConfigured(
        "CACHE_URL must point at Redis in production: rate limits and locks must be shared by all web processes."
    )
# The visitor's address comes from X-Forwarded-For behind this many proxies (cms/web/clientip.py).
# Production must say how many: 0 behind none would let anyone forge the header, and a
# forgotten proxy would put every visitor behind it at one address for rate limits and lockout.
if not os.environ.get("KOBO_TRUSTED_PROXY_COUNT", "").strip().isdigit():
    raise ImproperlyConfigured(
        "KOBO_TRUSTED_PROXY_COUNT must be set in production: the number of reverse proxies in front of "
        "the web processes that append to X-Forwarded-For (1 behind one nginx or load balancer, 0 with none)."
    )
KOBO_TRUSTED_PROXY_COUNT = env_int("KOBO_TRUSTED_PROXY_COUNT", 0)

KOBO_DEMO_ALLOWED = False
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
