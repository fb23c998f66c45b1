"""Create the home page, site settings and the standard content pages (idempotent)."""

from django.core.management.base import BaseCommand
from django.db import transaction

from cms.content import ensure_site_content


class Command(BaseCommand):
    help = "Create or update the home page, site settings and standard pages (safe to run repeatedly)."

    def handle(self, *args, **options):
        with transaction.atomic():
            home = ensure_site_content()
        self.stdout.write(
            self.style.SUCCESS(f"Site content ready: home page #{home.pk}, {home.get_children().count()} pages")
        )
