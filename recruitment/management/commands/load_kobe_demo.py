"""Load the City of Kobe 2020 demo call and a smaller call from Miki City (idempotent)."""

from django.core.management.base import BaseCommand
from django.db import transaction

from recruitment.demo import demo_calls, ensure_kobe_demo


class Command(BaseCommand):
    help = (
        "Create or update the City of Kobe 2020 PR call (10 roles, 40 people) and a smaller Miki City call, "
        "with deadlines moved so the demo is open now (safe to run repeatedly)."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            ensure_kobe_demo()
            calls = demo_calls()
            rows = [(call, list(call.roles())) for call in calls]
        for call, roles in rows:
            self.stdout.write(f"  {call.title}: {len(roles)} roles, {sum(r.headcount for r in roles)} people")
        total_roles = sum(len(roles) for _, roles in rows)
        total_people = sum(r.headcount for _, roles in rows for r in roles)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo calls ready: {len(rows)} calls, {total_roles} roles, {total_people} people in all"
            )
        )
