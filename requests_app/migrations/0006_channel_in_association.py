"""The request's channel now points at association.Channel: the same table, so state only."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("association", "0006_channel"),
        ("requests_app", "0005_policy_version_in_force"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name="supportrequest",
                    name="channel",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="requests",
                        to="association.channel",
                        verbose_name="channel received",
                    ),
                ),
            ],
        ),
    ]
