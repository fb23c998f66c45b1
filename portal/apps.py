from django.apps import AppConfig


class PortalConfig(AppConfig):
    """Site-wide pieces: groups and demo users, health check, error pages, base templates."""

    name = "portal"
    verbose_name = "Kōbo"

    def ready(self) -> None:
        from .page_cache import connect_signals

        connect_signals()
