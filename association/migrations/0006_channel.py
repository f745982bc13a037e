"""The channels move from channels_log to the association app (the approved policy switches them on).

State only: the table keeps its name (``channels_log_channel``) and its rows; channels_log's migration 0010
drops the model from its own state, and the foreign keys of the other apps follow in their migrations.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("association", "0005_form_submissions"),
        ("channels_log", "0009_decision_message_wording"),  # the table exists and holds the eight channels
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="Channel",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("code", models.SlugField(max_length=40, unique=True, verbose_name="code")),
                        ("name_ar", models.CharField(max_length=120, verbose_name="Arabic name")),
                        ("name_en", models.CharField(max_length=120, verbose_name="English name")),
                        ("is_active", models.BooleanField(default=True, verbose_name="active")),
                        ("order", models.PositiveSmallIntegerField(default=0, verbose_name="order")),
                    ],
                    options={
                        "verbose_name": "channel",
                        "verbose_name_plural": "channels",
                        "db_table": "channels_log_channel",
                        "ordering": ["order", "pk"],
                    },
                ),
            ],
        ),
    ]
