"""No process falls back to the local settings (debug, console mail) unless told to (issue 11, item 4)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SECRETS = {
    "SECRET_KEY": "k" * 64,
    "ALLOWED_HOSTS": "kobo.example.jp",
    "CACHE_URL": "redis://127.0.0.1:6379/1",
    "KOBO_TRUSTED_PROXY_COUNT": "1",
    "KOBO_PUBLIC_URL": "https://kobo.example.jp",
}
REPORT = "from django.conf import settings; print(settings.SETTINGS_MODULE, settings.DEBUG, settings.EMAIL_BACKEND)"

#: How each process is started in production, as the README says, minus the server loop.
ENTRY_POINTS = {
    "celery worker": ["-c", f"from portal.celery import app; app.loader.import_default_modules(); {REPORT}"],
    "wsgi": ["-c", f"import portal.wsgi; {REPORT}"],
    "manage.py": ["manage.py", "shell", "-v", "0", "-c", REPORT],
}


def _run(args: list[str], extra: dict[str, str]) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", *SECRETS}}
    env.update(extra)
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )


@pytest.mark.parametrize("entry", ENTRY_POINTS)
def test_a_process_started_without_a_settings_module_runs_with_production_settings(entry):
    result = _run(ENTRY_POINTS[entry], SECRETS)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "portal.settings.production",
        "False",
        "django.core.mail.backends.smtp.EmailBackend",
    ]


@pytest.mark.parametrize("entry", ENTRY_POINTS)
def test_a_process_without_a_settings_module_or_secrets_refuses_to_start_and_says_why(entry):
    result = _run(ENTRY_POINTS[entry], {})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
    assert "DJANGO_SETTINGS_MODULE=portal.settings.local" in result.stderr
    assert "console" not in result.stdout


def test_development_processes_name_the_local_settings():
    procfile = (ROOT / "Procfile.dev").read_text().splitlines()
    assert procfile
    assert all("DJANGO_SETTINGS_MODULE=portal.settings.local " in line for line in procfile if line.strip())


def test_the_readmes_production_commands_name_the_production_settings():
    production = (ROOT / "README.md").read_text().split("## Production", 1)[1]
    setting = production.index("export DJANGO_SETTINGS_MODULE=portal.settings.production")
    assert setting < production.index("gunicorn portal.wsgi")
    assert setting < production.index("celery -A portal worker")
    assert setting < production.index("manage.py migrate")
