"""Production settings refuse to start without their secrets."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _load_production(env_overrides: dict[str, str]) -> subprocess.CompletedProcess:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "ALLOWED_HOSTS", "CACHE_URL", "KOBO_TRUSTED_PROXY_COUNT", "KOBO_PUBLIC_URL"}
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "portal.settings.production",
            "CACHE_URL": "redis://127.0.0.1:6379/1",
            "KOBO_TRUSTED_PROXY_COUNT": "1",
            "KOBO_PUBLIC_URL": "https://kobo.example.jp",
        }
    )
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); print('started')"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_production_refuses_to_start_without_secret_key():
    result = _load_production({"ALLOWED_HOSTS": "kobo.example.jp"})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
    assert "started" not in result.stdout


def test_production_refuses_a_short_or_insecure_secret_key():
    result = _load_production({"ALLOWED_HOSTS": "kobo.example.jp", "SECRET_KEY": "django-insecure-" + "x" * 60})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = _load_production({"SECRET_KEY": "k" * 64})
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


def test_production_starts_with_its_secrets():
    result = _load_production({"SECRET_KEY": "k" * 64, "ALLOWED_HOSTS": "kobo.example.jp"})
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


def test_private_storage_is_not_under_media(settings):
    from django.core.files.storage import storages

    private = storages["private"]
    assert Path(private.location).resolve() != Path(settings.MEDIA_ROOT).resolve()
    assert not Path(private.location).resolve().is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    with pytest.raises(ValueError, match="no public URL"):
        private.url("cv.pdf")


def test_production_refuses_to_start_without_a_shared_cache():
    result = _load_production({"SECRET_KEY": "k" * 64, "ALLOWED_HOSTS": "kobo.example.jp", "CACHE_URL": ""})
    assert result.returncode != 0
    assert "CACHE_URL must point at Redis" in result.stderr


def test_production_refuses_to_guess_how_many_proxies_stand_in_front():
    result = _load_production(
        {"SECRET_KEY": "k" * 64, "ALLOWED_HOSTS": "kobo.example.jp", "KOBO_TRUSTED_PROXY_COUNT": ""}
    )
    assert result.returncode != 0
    assert "KOBO_TRUSTED_PROXY_COUNT must be set" in result.stderr
