import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    """The lifecycle table names permissions: referring to research (officer and chair) and closing (officer and
        manager) get their own; what may be empty is ``blank`` too, so the services' ``full_clean`` accepts it (a
    request the portal opened has no creator; the study's visit figures wait for the visit)."""

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("requests_app", "0006_channel_in_association"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="supportrequest",
            options={
                "ordering": ["-created_at", "-pk"],
                "permissions": [
                    ("process_supportrequest", "Can receive, submit, register and deliver support requests"),
                    ("refer_supportrequest", "Can refer a submitted support request to social research"),
                    ("research_supportrequest", "Can carry out the social research of a support request"),
                    ("vote_supportrequest", "Can vote in the research committee"),
                    ("decide_supportrequest", "Can record the research committee's decision"),
                    ("close_supportrequest", "Can close a support request"),
                ],
                "verbose_name": "support request",
                "verbose_name_plural": "support requests",
            },
        ),
        migrations.AlterField(
            model_name="supportrequest",
            name="created_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="created by",
            ),
        ),
        migrations.AlterField(
            model_name="socialstudy",
            name="monthly_income",
            field=models.DecimalField(
                blank=True, decimal_places=2, max_digits=10, null=True, verbose_name="household monthly income (SAR)"
            ),
        ),
        migrations.AlterField(
            model_name="socialstudy",
            name="household_size",
            field=models.PositiveSmallIntegerField(blank=True, null=True, verbose_name="household size"),
        ),
    ]
