from django.apps import AppConfig


class PortalConfig(AppConfig):
    """Site-wide pieces: groups and demo users, health check, error pages, base templates."""

    name = "portal"
    verbose_name = "Kōbo"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_login_failed
        from django.urls import register_converter

        from .numbers import IdConverter
        from .page_cache import connect_signals
        from .staff_auth import login_failed

        register_converter(IdConverter, "id")  # before any URL conf is read

        connect_signals()
        user_login_failed.connect(login_failed, dispatch_uid="kobo-login-failed-per-address")
