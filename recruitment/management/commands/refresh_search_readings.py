"""Derive again the kana readings search uses (after a dictionary bump or a ``LATIN_READINGS`` change)."""

from django.core.management.base import BaseCommand
from django.db import transaction

from recruitment.models import RolePage, TaskCategory
from recruitment.readings import refresh_stored_readings


class Command(BaseCommand):
    help = "Recompute the stored search readings of every task category and role (safe to run repeatedly)."

    def handle(self, *args, **options):
        with transaction.atomic():
            changed = refresh_stored_readings(TaskCategory, RolePage)
        self.stdout.write(self.style.SUCCESS(f"Search readings refreshed: {changed} changed"))
