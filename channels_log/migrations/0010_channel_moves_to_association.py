"""Channel leaves channels_log for the association app (association 0006): the contacts' and cases' foreign
keys follow it and the model leaves this app's state. The table and its rows stay as they are."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("association", "0006_channel"),
        ("channels_log", "0009_decision_message_wording"),
        ("requests_app", "0006_channel_in_association"),
        ("surveys", "0003_channel_in_association"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name="contactentry",
                    name="channel",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="contacts",
                        to="association.channel",
                        verbose_name="channel",
                    ),
                ),
                migrations.AlterField(
                    model_name="case",
                    name="response_channel",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="association.channel",
                        verbose_name="answered through",
                    ),
                ),
                migrations.DeleteModel(name="Channel"),
            ],
        ),
    ]
