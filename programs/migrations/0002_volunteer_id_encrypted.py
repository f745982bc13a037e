from django.db import migrations

import association.kernel.crypto
import association.kernel.identifiers
from association.kernel import crypto


def encrypt_existing(apps, schema_editor):
    crypto.encrypt_rows(apps.get_model("programs", "Volunteer"))


def decrypt_existing(apps, schema_editor):
    crypto.decrypt_rows(apps.get_model("programs", "Volunteer"))


class Migration(migrations.Migration):
    """Volunteers' national IDs encrypted at rest (AES-GCM, association.kernel.crypto), unique by their keyed
    hash (the same hash as the registry's IDs). Existing rows are encrypted here and decrypted back on the way
    down; the clear unique constraint comes back with them."""

    dependencies = [
        ("programs", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(crypto.overwrite_freed_pages, crypto.overwrite_freed_pages),
        migrations.RemoveConstraint(
            model_name="volunteer",
            name="volunteer_national_id_unique",
        ),
        migrations.AddField(
            model_name="volunteer",
            name="national_id_hash",
            field=association.kernel.crypto.BlindIndexField(purpose="national_id", source="national_id", unique=True),
        ),
        migrations.AlterField(
            model_name="volunteer",
            name="national_id",
            field=association.kernel.crypto.EncryptedCharField(
                max_length=10,
                validators=[association.kernel.identifiers.validate_national_id],
                verbose_name="national ID or iqama",
            ),
        ),
        migrations.RunPython(encrypt_existing, decrypt_existing),
    ]
