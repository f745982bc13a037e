"""The channel's content type follows the model to the association app: its permissions (the same rows, so
every group and user holding them keeps them) and its admin history carry over."""

from django.db import migrations


def _move(apps, old_label, new_label):
    ContentType = apps.get_model("contenttypes", "ContentType")
    old = ContentType.objects.filter(app_label=old_label, model="channel").first()
    if old is None:  # a new database: post_migrate creates the content type under its new app
        return
    stale = ContentType.objects.filter(app_label=new_label, model="channel").first()
    if stale is not None:
        # Created by a post_migrate between the two moves: keep the old row (it holds the grants and history).
        Permission = apps.get_model("auth", "Permission")
        Permission.objects.filter(content_type=stale).delete()
        stale.delete()
    old.app_label = new_label
    old.save(update_fields=["app_label"])


def forwards(apps, schema_editor):
    _move(apps, "channels_log", "association")


def backwards(apps, schema_editor):
    _move(apps, "association", "channels_log")


class Migration(migrations.Migration):
    dependencies = [
        ("association", "0006_channel"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
