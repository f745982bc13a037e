"""The outbox's links to other apps go (the subject names what a message is about), and its events are no
longer a fixed list of choices: the producing apps register them."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("channels_log", "0012_outbox_subjects_from_links")]

    operations = [
        migrations.RemoveField(model_name="outgoingmessage", name="case"),
        migrations.RemoveField(model_name="outgoingmessage", name="support_request"),
        migrations.AlterField(
            model_name="messagetemplate",
            name="event",
            field=models.CharField(max_length=40, verbose_name="event"),
        ),
        migrations.AlterField(
            model_name="outgoingmessage",
            name="event",
            field=models.CharField(max_length=40, verbose_name="event"),
        ),
        migrations.AddIndex(
            model_name="outgoingmessage",
            index=models.Index(fields=["subject_kind", "subject_id"], name="outmsg_subject_idx"),
        ),
    ]
