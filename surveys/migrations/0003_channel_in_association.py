"""Responses and improvement actions now point at association.Channel: the same table, so state only."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("association", "0006_channel"),
        ("surveys", "0002_one_answer_per_request_and_source_collected_via"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name="improvementaction",
                    name="channel",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="association.channel",
                        verbose_name="channel",
                    ),
                ),
                migrations.AlterField(
                    model_name="response",
                    name="channel",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="survey_responses",
                        to="association.channel",
                        verbose_name="channel",
                    ),
                ),
            ],
        ),
    ]
