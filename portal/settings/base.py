"""Settings shared by every environment, read from the environment.

Every value that differs between a laptop, CI and production comes from an
environment variable with a safe local default, so ``make run`` needs no
configuration and production sets only variables (see README, "Production").
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import dj_database_url

from .env import BASE_DIR, PROJECT_DIR, VAR_DIR, env_bool, env_int, env_list
from .tasks import *  # noqa: F403

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# Application definition ------------------------------------------------------

INSTALLED_APPS = [
    # Our apps, in dependency order: cms <- recruitment <- applications <- exports.
    "portal",
    "cms",
    "recruitment",
    "applications",
    "exports",
    # Wagtail
    "wagtail.contrib.settings",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.table_block",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    # Third-party
    "formtools",
    "axes",
    "csp",
    # Django
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "portal.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Public pages from the cache, before anything that reads the session (cms/page_cache.py).
    "cms.page_cache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # django-csp's, but a preview may be framed by the admin (frame-ancestors 'self').
    "portal.middleware.PreviewFrameCSPMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Must be last: it turns repeated failed logins into a lockout.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PROJECT_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

# Database: DATABASE_URL (PostgreSQL in CI and production), SQLite by default.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'kobo.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
        conn_health_checks=True,
    )
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database that does not answer fails a new connection in seconds, not minutes (/healthz, requests).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 2)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # `make run`: a transaction takes the write lock when it starts (BEGIN IMMEDIATE) and waits up
    # to 20 s for it, so two requests at once queue instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: Redis when CACHE_URL is set (needed for rate limits across several
# web processes), local memory otherwise. Redis that does not answer within these
# seconds is a miss, never an error page (portal/cache.py, docs/adr/0012-outages.md).
KOBO_REDIS_SOCKET_TIMEOUT = 0.3
_cache_url = os.environ.get("CACHE_URL", "")
if _cache_url.startswith(("redis://", "rediss://")):
    CACHES = {
        "default": {
            "BACKEND": "portal.cache.ResilientRedisCache",
            "LOCATION": _cache_url,
            "KEY_PREFIX": "kobo",
            "OPTIONS": {
                "socket_connect_timeout": KOBO_REDIS_SOCKET_TIMEOUT,
                "socket_timeout": KOBO_REDIS_SOCKET_TIMEOUT,
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Public pages (call, role, listing, home, feed, sitemap) are kept this long in the cache
# above, or less when a role changes state sooner; 0 turns the page cache off.
KOBO_PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 600)
# A caching proxy or CDN in front of the site: Wagtail's frontend cache purges the pages a
# publish changes (HTTP PURGE to this address, e.g. Varnish or nginx's cache purge).
if os.environ.get("FRONTEND_CACHE_PURGE_URL"):
    WAGTAILFRONTENDCACHE = {
        "proxy": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": os.environ["FRONTEND_CACHE_PURGE_URL"],
        }
    }

# Authentication --------------------------------------------------------------

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "wagtailadmin_login"
# The visitor's address: behind this many reverse proxies (each appending to X-Forwarded-For)
# it is taken from the header, else it is the socket's peer. One rule for the rate limits
# and the login lockout (cms/web/clientip.py).
KOBO_TRUSTED_PROXY_COUNT = env_int("KOBO_TRUSTED_PROXY_COUNT", 0)
RATELIMIT_IP_META_KEY = "cms.web.clientip.client_ip"
# Bytes of files all unsubmitted drafts of one call may keep together (applications/intake/drafts.py); the
# files of a draft untouched for a day are removed, so this bounds the disk an hour of abuse can take.
KOBO_CALL_DRAFT_FILE_BYTES = env_int("KOBO_CALL_DRAFT_FILE_BYTES", 20 * 1024**3)
# Images decoded at once on one machine (applications/intake/uploads/images.py): one leaves a core of two for pages.
KOBO_IMAGE_DECODERS = env_int("KOBO_IMAGE_DECODERS", 1)
# What the compressed streams of one uploaded PDF may inflate to, in all (applications/intake/uploads/pdf.py).
KOBO_PDF_MAX_INFLATED_BYTES = env_int("KOBO_PDF_MAX_INFLATED_BYTES", 200 * 1024 * 1024)
# When the cache (Redis) does not answer, rate limits let the request through: a Redis outage
# must not refuse every applicant before a deadline (docs/adr/0012-outages.md).
RATELIMIT_FAIL_OPEN = True
AXES_CLIENT_IP_CALLABLE = "cms.web.clientip.client_ip"
# django-axes: five failures lock that username from that address (both together, so
# nobody elsewhere can lock staff out) for an hour. Failures from one address across
# usernames are bounded too, with a ceiling fit for a city office behind one address
# (portal/staff_auth.py, cms/web/limits.py).
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True

# Internationalisation ----------------------------------------------------------

LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", "日本語"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Tokyo"
CELERY_TIMEZONE = TIME_ZONE  # beat runs its schedule (portal/settings/tasks.py) in Japan time
USE_I18N = True
USE_TZ = True

# Static files and storage ----------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "static"))
STATICFILES_DIRS = [PROJECT_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
# Applicants' files live here: a separate root that no URL serves. They are
# only ever streamed by a permission-checked view.
PRIVATE_STORAGE_ROOT = Path(os.environ.get("PRIVATE_STORAGE_ROOT", VAR_DIR / "private"))

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "cms.web.storage.PrivateFileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_STORAGE_ROOT)},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# S3-compatible object storage (production on several machines): public media
# and private files in separate buckets; private objects are never public.
if os.environ.get("AWS_STORAGE_BUCKET_NAME"):
    _s3_common = {
        "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
        "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
    }
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {**_s3_common, "bucket_name": os.environ["AWS_STORAGE_BUCKET_NAME"]},
    }
    STORAGES["private"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **_s3_common,
            "bucket_name": os.environ.get("AWS_PRIVATE_BUCKET_NAME") or os.environ["AWS_STORAGE_BUCKET_NAME"],
            "location": "private",
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": 60,
        },
    }

# A citizen's upload larger than this is refused by the form with a message,
# not by the web server with a bare 413 (the proxy allows a little more).
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000  # Wagtail's page editor posts many fields.

# Email -------------------------------------------------------------------------

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Kōbo <noreply@kobo.example.jp>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery (the broker, the queues, the beat schedule): portal/settings/tasks.py, imported above.

# Security ----------------------------------------------------------------------

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Browser features no page of the portal uses are switched off for it and for anything it
# might frame (portal/middleware.py); fullscreen stays for our own video embeds.
KOBO_PERMISSIONS_POLICY: dict[str, list[str]] = {
    "accelerometer": [],
    "autoplay": [],
    "camera": [],
    "display-capture": [],
    "fullscreen": ["self"],
    "geolocation": [],
    "gyroscope": [],
    "magnetometer": [],
    "microphone": [],
    "midi": [],
    "payment": [],
    "publickey-credentials-get": [],
    "screen-wake-lock": [],
    "serial": [],
    "usb": [],
    "xr-spatial-tracking": [],
}

# Sessions: a citizen's (which draft is open here, the receipt to show once) ends two hours after
# its last change, each saved step being one; a signed-in member of staff gets a session that ends
# when the browser closes and after a working day without activity (cms/web/sessions.py).
SESSION_ENGINE = "cms.web.sessions"
KOBO_CITIZEN_SESSION_AGE = 2 * 3600
KOBO_STAFF_SESSION_AGE = 9 * 3600

# Content Security Policy for the public site: our own scripts, styles and
# images only, no inline code. The Wagtail admin ships its own inline code and
# is excluded (it is behind a login).
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/admin/"],
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}

# Wagtail -----------------------------------------------------------------------

WAGTAIL_SITE_NAME = "Kōbo 公募"
WAGTAIL_I18N_ENABLED = False
WAGTAIL_CONTENT_LANGUAGES = [("ja", "日本語")]
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "txt", "xlsx"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_MODERATION_ENABLED = True
WAGTAIL_WORKFLOW_ENABLED = True

# Kōbo --------------------------------------------------------------------------

# Where an export's temporary files are written while it renders: one private (0700) folder
# per job and attempt, removed when the render ends however it ends, by the stall sweep, and at
# worker start (exports/rendering.py). Local disk of the exports worker; never served.
KOBO_EXPORT_TEMP_DIR = Path(os.environ.get("KOBO_EXPORT_TEMP_DIR") or Path(tempfile.gettempdir()) / "kobo-exports")
# Seconds a sender may hold an outbox row before another takes it as interrupted (longer than
# one SMTP exchange may take: EMAIL_TIMEOUT per command).
KOBO_OUTBOX_LEASE_SECONDS = env_int("KOBO_OUTBOX_LEASE_SECONDS", 120)
# Seconds without a progress heartbeat after which a running export counts as stalled.
KOBO_EXPORT_LEASE_SECONDS = env_int("KOBO_EXPORT_LEASE_SECONDS", 60)

# Only the local and test settings may create the demo users with their known
# password; production leaves this False.
KOBO_DEMO_ALLOWED = False
# The one public address of the portal (scheme, host and port, no trailing slash): every
# link in every email starts with it, and `manage.py sync_site` copies it to Wagtail's
# default Site (sitemap, feed, JSON-LD). `make run` sets it from HOST and PORT;
# production refuses to start unless it is https.
KOBO_PUBLIC_URL = os.environ.get("KOBO_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
# Links in staff mail (Wagtail's own and ours): the public address unless the admin lives elsewhere.
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", KOBO_PUBLIC_URL).rstrip("/")
KOBO_DEMO_PASSWORD = "kobo-demo-2026"  # noqa: S105 - demo only, refused unless KOBO_DEMO_ALLOWED

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "celery": {"level": "INFO"},
        "django_tasks": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}
