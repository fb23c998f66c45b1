from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The composition root: groups and demo users, health check, error pages, base templates, staff sign-in."""

    name = "portal"
    verbose_name = "Kōbo"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_login_failed

        from .staff_auth import login_failed

        user_login_failed.connect(login_failed, dispatch_uid="kobo-login-failed-per-address")
