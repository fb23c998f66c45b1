"""``python manage.py sync_site``: make Wagtail's default Site match the public address (``KOBO_PUBLIC_URL``).

Canonical links, the sitemap, the feed and JSON-LD read the Site; emailed links read the
setting. Running this (``make run`` does, production runs it at deploy) keeps them one address.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from wagtail.models import Site


class Command(BaseCommand):
    help = "Set the default Wagtail Site's hostname and port from KOBO_PUBLIC_URL."

    def handle(self, *args: Any, **options: Any) -> None:
        address = urlsplit(settings.KOBO_PUBLIC_URL)
        if address.scheme not in {"http", "https"} or not address.hostname:
            raise CommandError(f"KOBO_PUBLIC_URL is not an http(s) address: {settings.KOBO_PUBLIC_URL!r}")
        port = address.port or (443 if address.scheme == "https" else 80)
        site = Site.objects.filter(is_default_site=True).first()
        if site is None:
            raise CommandError("There is no default site yet: run load_site_content (or create one) first.")
        site.hostname, site.port = address.hostname, port
        site.save()
        self.stdout.write(f"Default site: {site.root_url}")
