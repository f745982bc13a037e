"""Trigram indexes for the desk search (``beneficiaries.search``): a fragment of the normalised name, or the
last digits of an ID or mobile, is found through a GIN index on PostgreSQL (``pg_trgm``) instead of a scan of
the whole registry. On SQLite (the embedded mode) nothing is created: its search scans, which is fine at the
size an embedded portal holds."""

from django.db import migrations

INDEXES = {
    "benef_name_trgm": "name_normalized",
    "benef_national_id_trgm": "national_id",
    "benef_mobile_trgm": "mobile",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, column in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON beneficiaries_beneficiary USING gin ({column} gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("beneficiaries", "0006_benef_created_idx")]

    operations = [migrations.RunPython(create, drop)]
