"""What the portal recorded a contact for, when it recorded it itself (``low_score:<survey response id>``):
unique, so the follow-up of a low survey score is opened once however often the event comes."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("channels_log", "0013_outbox_links_dropped")]

    operations = [
        migrations.AddField(
            model_name="contactentry",
            name="source_key",
            field=models.CharField(
                blank=True, editable=False, max_length=80, null=True, unique=True, verbose_name="recorded for"
            ),
        ),
    ]
