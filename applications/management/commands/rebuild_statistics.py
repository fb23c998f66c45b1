"""Compute the statistics' running tallies again from the rows: after a bulk load that bypassed the services,
or as a repair. ``--call <id>`` for one call; every call with applications otherwise."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from applications.models import Application
from applications.statistics.tallies import tallies_rebuild


class Command(BaseCommand):
    help = "Rebuild the statistics' running tallies (applications.statistics.tallies) from the rows."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--call", type=int, help="the id of one call")

    def handle(self, *args: Any, **options: Any) -> None:
        calls = [options["call"]] if options["call"] else Application.objects.values_list("call_id", flat=True)
        for call_id in sorted(set(calls)):
            count = tallies_rebuild(call_id=call_id)
            self.stdout.write(f"call {call_id}: {count} tallies")
