"""The national ID is encrypted at rest (0008): a trigram index over its ciphertext serves no search (the desk
finds an ID through its keyed hashes) and only costs every insert. PostgreSQL only, like 0007."""

from django.db import migrations


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS benef_national_id_trgm")


class Migration(migrations.Migration):
    dependencies = [("beneficiaries", "0011_bulk_transfer_self_copy")]

    # Not recreated on the way back: after encryption the column holds ciphertext.
    operations = [migrations.RunPython(drop, migrations.RunPython.noop)]
