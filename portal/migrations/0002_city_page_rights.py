"""Page rights move from the site-wide groups to each city's own groups on its own subtree.

``sync_groups`` applies the new table (no page rights on the root; the team screens'
model rights). Then every existing organisation is onboarded as a city: its groups,
its folder of calls (its calls are moved there), its workflow; members join their
city's groups. Tree moves need treebeard, which historical models lack, so that step
uses the current code; on a new database there is nothing to move and it does nothing. It
depends on the last migrations of both apps, so the current models match the tables.
"""

from django.db import migrations


def forwards(apps, schema_editor):
    from applications.staff import sync_groups

    sync_groups(apps)
    Organisation = apps.get_model("recruitment", "Organisation")
    CallIndexPage = apps.get_model("recruitment", "CallIndexPage")
    if not Organisation.objects.exists() or not CallIndexPage.objects.exists():
        return

    from django.contrib.auth import get_user_model

    from applications.models import OrganisationMember
    from applications.teams.services import member_groups_sync
    from recruitment.cities import city_ensure
    from recruitment.models import Organisation as CurrentOrganisation

    for organisation in CurrentOrganisation.objects.all():
        city_ensure(organisation=organisation)
    user_ids = OrganisationMember.objects.values_list("user_id", flat=True).distinct()
    for user in get_user_model().objects.filter(pk__in=user_ids):
        member_groups_sync(user=user)


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0001_groups"),
        ("applications", "0001_squashed_0019_messagetemplate_kind_interview_times_added"),
        ("recruitment", "0001_squashed_0008_merge_english_contacts_interviews"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
