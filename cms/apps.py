from django.apps import AppConfig


class CmsConfig(AppConfig):
    """Generic Wagtail content: home page, content pages, site settings, the public page cache."""

    name = "cms"
    verbose_name = "サイト Site"

    def ready(self) -> None:
        from django.urls import register_converter

        from .page_invalidation import connect_signals
        from .web.numbers import IdConverter

        register_converter(IdConverter, "id")  # before any URL conf is read
        connect_signals()
