from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("recruitment", "0006_search_readings"),
    ]

    operations = [
        migrations.AddField(
            model_name="callpage",
            name="contractor_runs_interviews",
            field=models.BooleanField(
                default=False,
                help_text="オンにすると、この募集に割り当てられた受託事業者も面接の日程を公開・締切できます"
                "(通常は市の承認者)。 The assigned contractor may open and close interview rounds too.",
                verbose_name="受託事業者が面接を運営 Contractor runs interviews",
            ),
        ),
    ]
