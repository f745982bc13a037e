"""Drop the trigram index on ``national_id``: since the IDs are stored encrypted (0006_encrypted_at_rest) the
column holds random-looking ciphertext, which no search can match by fragment (the desk search finds an ID by
its keyed hashes, ``national_id_hash`` and ``national_id_last4_hash``). The index answered no query and was
the most expensive of the table's indexes to maintain: about a hundred trigrams per row on every insert,
which made a 10,000-row import spend seconds in it. The name and mobile trigram indexes stay."""

from django.db import migrations


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS benef_national_id_trgm")


def noop(apps, schema_editor):
    """Backwards: not recreated (it could serve no query on ciphertext)."""


class Migration(migrations.Migration):
    dependencies = [("beneficiaries", "0011_bulk_transfer_self_copy")]

    operations = [migrations.RunPython(drop, noop)]
