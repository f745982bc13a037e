# Issue 13 (item 2): the board approval as Saudi boards write it, the signed page's scan, the review date and
# the staff's read confirmations.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def sessions_as_text(apps, schema_editor):
    PolicyVersion = apps.get_model("association", "PolicyVersion")
    PolicyVersion.objects.filter(board_session__isnull=True).update(board_session="")
    _fire_pending_checks(schema_editor)


def _fire_pending_checks(schema_editor):
    """The column is altered next in this same transaction: PostgreSQL refuses to alter a table whose updated
    rows still have deferred foreign-key checks pending, so run them now."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def sessions_as_numbers(apps, schema_editor):
    """Backwards: the session was a number; a session written in words («الثانية») or empty has none."""
    PolicyVersion = apps.get_model("association", "PolicyVersion")
    # Only this column is read and written: a parallel branch's columns may already be gone at this point.
    for pk, session in PolicyVersion.objects.exclude(board_session__isnull=True).values_list("pk", "board_session"):
        value = (session or "").strip()
        number = value if value.isascii() and value.isdigit() and len(value) < 5 else None
        PolicyVersion.objects.filter(pk=pk).update(board_session=number)
    _fire_pending_checks(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("association", "0008_policy_tool_link_target"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # The session becomes text as written («الثانية»); ordinals kept as their digits.
        migrations.AlterField(
            model_name="policyversion",
            name="board_session",
            field=models.CharField(blank=True, max_length=60, null=True, verbose_name="session"),
        ),
        migrations.RunPython(sessions_as_text, sessions_as_numbers),
        migrations.AlterField(
            model_name="policyversion",
            name="board_session",
            field=models.CharField(
                blank=True, help_text="As written, e.g. «الثانية».", max_length=60, verbose_name="session"
            ),
        ),
        migrations.AddField(
            model_name="policyversion",
            name="quarter",
            field=models.CharField(blank=True, help_text="e.g. «الربع الثاني».", max_length=60, verbose_name="quarter"),
        ),
        migrations.AddField(
            model_name="policyversion",
            name="approval_date_hijri_text",
            field=models.CharField(blank=True, max_length=80, verbose_name="Hijri date as written"),
        ),
        migrations.AddField(
            model_name="policyversion",
            name="approval_date_gregorian_text",
            field=models.CharField(blank=True, max_length=80, verbose_name="Gregorian date as written"),
        ),
        migrations.AddField(
            model_name="policyversion",
            name="approval_scan",
            field=models.FileField(
                blank=True, upload_to="policy/approvals/", verbose_name="scan of the signed approval"
            ),
        ),
        migrations.AddField(
            model_name="policyversion",
            name="review_due",
            field=models.DateField(blank=True, null=True, verbose_name="review due"),
        ),
        migrations.AddField(
            model_name="policyversion",
            name="review_reminded_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="review reminder sent at"
            ),
        ),
        migrations.CreateModel(
            name="PolicyReadConfirmation",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "confirmed_at",
                    models.DateTimeField(default=django.utils.timezone.now, verbose_name="confirmed at"),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="staff member",
                    ),
                ),
                (
                    "version",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="read_confirmations",
                        to="association.policyversion",
                        verbose_name="version",
                    ),
                ),
            ],
            options={
                "verbose_name": "policy read confirmation",
                "verbose_name_plural": "policy read confirmations",
                "ordering": ["-confirmed_at", "pk"],
                "constraints": [
                    models.UniqueConstraint(fields=("version", "user"), name="policy_read_once_per_version")
                ],
            },
        ),
    ]
