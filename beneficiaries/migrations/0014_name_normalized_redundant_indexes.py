"""Drop name_normalized's own btree and its LIKE twin: benef_name_birth_idx (name_normalized, birth_date) answers
the equality lookups and the order by name, the trigram index the fragments; the admin's icontains uses neither.
Measured at 200k beneficiaries, the two cost 0.25-0.5 s of every 10,000-row import."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("beneficiaries", "0013_import_run"),
    ]

    operations = [
        migrations.AlterField(
            model_name="beneficiary",
            name="name_normalized",
            field=models.CharField(editable=False, max_length=260),
        ),
    ]
