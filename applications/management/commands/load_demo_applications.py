"""Generate demo applications for the Kobe call, with screening access and some reviews (idempotent).

The applications, withdrawals and reviews go through the real services (``applications.demo``),
and so does the second half of one closed role, to its decision (``applications.demo_interviews``).
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Count

from applications.demo import ensure_demo_screening, generate_demo_applications
from applications.demo_interviews import demo_decide_role
from applications.models import Applicant, Application, AuditEntry, Candidacy, Review
from recruitment.demo import KOBE_CALL
from recruitment.models import CallPage


class Command(BaseCommand):
    help = (
        "Give the Kobe demo call generated applications (default 300) and the demo screening users access to it; "
        "screener2 reviews some of them; the closed newsletter role goes through interviews to a decision. "
        "Safe to run repeatedly. Refused unless the settings allow demo data."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--count", type=int, default=300, help="Generated applications the call should have.")
        parser.add_argument("--seed", type=int, default=2020, help="Seed for the generated data.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.KOBO_DEMO_ALLOWED:
            raise CommandError("Demo applications are only for local settings; these settings do not allow them.")
        if options["count"] < 0:
            raise CommandError("--count must be 0 or more.")
        call = CallPage.objects.filter(slug=KOBE_CALL["slug"]).select_related("organisation").first()
        if call is None:
            raise CommandError(
                f"The Kobe demo call ({KOBE_CALL['slug']}) does not exist: run `python manage.py load_kobe_demo` first."
            )
        users = ensure_demo_screening(call)
        missing = [name for name in ("screener", "approver", "official") if name not in users]
        if missing:
            self.stdout.write(
                self.style.WARNING(f"  No user {', '.join(missing)}: run `python manage.py create_demo_users` first.")
            )
        # Only screener2 reviews, so the demo's "screener" still has every candidacy to do.
        reviewers = [users["screener2"]] if "screener2" in users else []
        started = time.monotonic()
        created = generate_demo_applications(
            call=call, count=options["count"], seed=options["seed"], reviewers=reviewers
        )
        decided = demo_decide_role(call, users)
        elapsed = time.monotonic() - started

        applications = Application.objects.filter(call=call)
        candidacies = Candidacy.objects.filter(application__call=call)
        generated = applications.filter(answers__demo=True).count()
        applicants = Applicant.objects.filter(applications__call=call).distinct().count()
        reviews = Review.objects.filter(candidacy__application__call=call).count()
        audited = AuditEntry.objects.filter(call=call).count()
        by_status = dict(candidacies.values_list("status").annotate(n=Count("pk")).order_by())
        self.stdout.write(f"  {call.title}")
        self.stdout.write(
            f"  applications {applications.count()} ({generated} generated), applicants {applicants}, "
            f"candidacies {candidacies.count()}, reviews {reviews}, audit entries {audited}"
        )
        self.stdout.write("  candidacies by status: " + ", ".join(f"{k} {v}" for k, v in sorted(by_status.items())))
        assigned = [name for name in ("screener", "screener2") if name in users]
        members = [name for name in ("approver", "official") if name in users]
        self.stdout.write(
            f"  assigned to the call: {', '.join(assigned) or '—'}; members of {call.organisation}: "
            f"{', '.join(members) or '—'}"
        )
        self.stdout.write(f"  interviews and decision: {decided}")
        if created:
            self.stdout.write(self.style.SUCCESS(f"Created {created} demo applications in {elapsed:.1f} s."))
        else:
            self.stdout.write(self.style.SUCCESS("Demo applications already there; nothing created."))
