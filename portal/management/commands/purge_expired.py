"""``python manage.py purge_expired [--dry-run]``: delete what the privacy page says is deleted, when it says.

Expired drafts and their files, export files older than 30 days, and the personal data
of calls past their retention period (``applications.privacy.retention``). Run daily by beat.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from applications.privacy.retention import calls_due, purge_expired
from exports.files import export_files_purge


class Command(BaseCommand):
    help = "Delete expired drafts, old export files and the personal data of calls past their retention period."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--dry-run", action="store_true", help="List what would go; change nothing.")

    def handle(self, *args: Any, dry_run: bool = False, **options: Any) -> None:
        now = timezone.now()
        # Export files of calls being purged hold names: they go with the call, whatever their age.
        exports = [name for call in calls_due(now=now) for name in export_files_purge(call=call, dry_run=dry_run)]
        exports += export_files_purge(now=now, dry_run=dry_run)
        report = purge_expired(now=now, dry_run=dry_run)
        verb = "would delete" if dry_run else "deleted"
        for line in [*report.lines(), *(f"export file {name}" for name in exports)]:
            self.stdout.write(f"{verb}: {line}")
        self.stdout.write(
            f"{'Dry run: ' if dry_run else ''}{len(report.drafts)} drafts, {len(report.calls)} calls "
            f"({report.applications} applications anonymised), {len(report.files) + len(exports)} files."
        )
