"""The call's shortlist factor moves here from the per-call Shortlist (see applications 0004)."""

from decimal import Decimal

import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("recruitment", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="callpage",
            name="shortlist_factor",
            field=models.DecimalField(
                decimal_places=1,
                default=Decimal("2"),
                help_text="業務ごとに「募集人数 × 倍率」人まで候補に残せます。 Up to headcount × factor per role.",
                max_digits=3,
                validators=[
                    django.core.validators.MinValueValidator(
                        Decimal("1"), "倍率は1以上にしてください。 The factor must be at least 1."
                    )
                ],
                verbose_name="候補の倍率 Shortlist factor",
            ),
        ),
    ]
