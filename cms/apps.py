from django.apps import AppConfig


class CmsConfig(AppConfig):
    """Generic Wagtail content: home page, content pages, site settings."""

    name = "cms"
    verbose_name = "サイト Site"
