"""The outbox knows no other app: a message names what it is about by a kind the producing app registered and
an id (``subject_kind``, ``subject_id``) instead of foreign keys to support requests and cases, and the staff
member a complaint is about by ``staff_subject`` (the messages about it stay hidden from them). The events are
no longer a fixed list of choices: the producers register them.

Existing rows keep what they pointed at: a message with a case is about that case (and hidden from the staff
member the complaint is about, as before); one with only a request is about that request. Tested both ways (0011-0013) on
PostgreSQL and SQLite (tests/channels_log/test_outbox_subject_migration.py)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


# Three steps (columns, data, links dropped): PostgreSQL refuses to alter a table in the transaction that
# updated its foreign-key columns (pending trigger events), in either direction.
class Migration(migrations.Migration):
    dependencies = [
        ("channels_log", "0010_channel_moves_to_association"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="outgoingmessage",
            name="subject_kind",
            field=models.CharField(blank=True, max_length=40, verbose_name="about"),
        ),
        migrations.AddField(
            model_name="outgoingmessage",
            name="subject_id",
            field=models.PositiveBigIntegerField(blank=True, null=True, verbose_name="about (number)"),
        ),
        migrations.AddField(
            model_name="outgoingmessage",
            name="staff_subject",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="about staff member",
            ),
        ),
    ]
