"""Create one demo user per staff group (and a superuser) for local use only.

When the Kobe demo city exists (``load_kobe_demo``), ``editor``, ``approver`` and
``official`` become its members, so they get Kobe's page rights and workflow and
nothing of Miki's.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

from applications.models import OrganisationMember
from applications.staff import CITY_APPROVERS, CITY_EDITORS, OFFICIALS, SCREENING_CONTRACTORS
from applications.teams.services import member_groups_sync
from recruitment.models import Organisation

#: The demo city the city staff belong to, and each one's role there.
DEMO_CITY = "kobe"
DEMO_ROLES = {"editor": "editor", "approver": "approver", "official": "official"}

DEMO_USERS = [
    # username, group (None: superuser), family name, given name
    ("editor", CITY_EDITORS, "編集", "花子"),
    ("approver", CITY_APPROVERS, "承認", "太郎"),
    ("screener", SCREENING_CONTRACTORS, "審査", "次郎"),
    ("official", OFFICIALS, "職員", "三郎"),
    ("admin", None, "管理", "者"),
]


class Command(BaseCommand):
    help = "Create the demo users (idempotent). Refused unless the settings allow demo data."

    def handle(self, *args, **options):
        if not settings.KOBO_DEMO_ALLOWED:
            raise CommandError("Demo users are only for local settings; these settings do not allow them.")
        User = get_user_model()
        password = settings.KOBO_DEMO_PASSWORD
        for username, group_name, last_name, first_name in DEMO_USERS:
            user, _ = User.objects.get_or_create(
                username=username,
                defaults={
                    "email": f"{username}@demo.kobo.example.jp",
                    "last_name": last_name,
                    "first_name": first_name,
                },
            )
            user.set_password(password)
            user.is_superuser = group_name is None
            user.is_staff = group_name is None
            user.save()
            if group_name:
                user.groups.set([Group.objects.get(name=group_name)])
            city = Organisation.objects.filter(slug=DEMO_CITY).first()
            if city and username in DEMO_ROLES:
                OrganisationMember.objects.update_or_create(
                    user=user, organisation=city, defaults={"role": DEMO_ROLES[username]}
                )
                member_groups_sync(user=user)
            self.stdout.write(f"  {username:<9} {group_name or 'superuser'}")
        self.stdout.write(self.style.SUCCESS(f"Demo users ready; password for all: {password}"))
