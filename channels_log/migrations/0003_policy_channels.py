"""The eight channels every association policy names (stable codes, DESIGN.md)."""

from django.db import migrations

from channels_log.reference import CORE_CHANNELS as CHANNELS


def add_channels(apps, schema_editor):
    Channel = apps.get_model("channels_log", "Channel")
    for order, (code, name_ar, name_en) in enumerate(CHANNELS, start=1):
        Channel.objects.update_or_create(code=code, defaults={"name_ar": name_ar, "name_en": name_en, "order": order})


class Migration(migrations.Migration):
    dependencies = [("channels_log", "0002_initial")]

    operations = [migrations.RunPython(add_channels, migrations.RunPython.noop)]
