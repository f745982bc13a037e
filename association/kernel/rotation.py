"""Key rotation: every encrypted column re-encrypted under the current key, in batches, resumable.

Put the new key first in ``FIELD_ENCRYPTION_KEYS`` (the old ones after it: they still decrypt), restart,
run ``manage.py rotate_field_keys``. For each table with encrypted columns, rows are taken in primary-key
order, a batch at a time: the batch is locked, decrypted, encrypted under the current key (blind indexes
recomputed with the current ``BLIND_INDEX_KEY``) and written, and ``KeyRotation.last_pk`` moves in the same
transaction. An interrupted run (a crash, Ctrl-C, ``--max-batches``) resumes after the last committed
batch. When ``key_usage()`` shows no value under an old key, that key may leave the list.
"""

from collections.abc import Callable

from django.db import connection, transaction
from django.utils import timezone

from .crypto import PREFIX, blind_index_fields, current_key_id, encrypted_fields, encrypted_models
from .models import KeyRotation

DEFAULT_BATCH = 500


def _rotate_batch(model, progress: KeyRotation, batch_size: int) -> int:
    fields = encrypted_fields(model)
    indexes = blind_index_fields(model)
    with transaction.atomic():
        progress = KeyRotation.objects.select_for_update().get(pk=progress.pk)
        rows = list(model._base_manager.select_for_update().filter(pk__gt=progress.last_pk).order_by("pk")[:batch_size])
        if not rows:
            progress.finished_at = timezone.now()
            progress.save(update_fields=["finished_at", "updated_at"])
            return 0
        for row in rows:
            # Read decrypted (any listed key); written back under the current key.
            values = {field.attname: getattr(row, field.attname) for field in fields}
            values.update({field.attname: field.value_for(row) for field in indexes})
            model._base_manager.filter(pk=row.pk).update(**values)
        progress.last_pk = rows[-1].pk
        progress.rows_done += len(rows)
        progress.save(update_fields=["last_pk", "rows_done", "updated_at"])
    return len(rows)


def rotate(
    *,
    batch_size: int = DEFAULT_BATCH,
    max_batches: int | None = None,
    on_batch: Callable[[str, int], None] | None = None,
) -> dict[str, int]:
    """Re-encrypt every table under the current key; returns the rows done in this run per table.

    ``max_batches``: stop after that many batches (run again to continue). ``on_batch(table, rows)`` is
    called after each committed batch (progress output)."""
    key_id = current_key_id()
    done: dict[str, int] = {}
    batches = 0
    for model in encrypted_models():
        table = model._meta.db_table
        progress, _created = KeyRotation.objects.get_or_create(table=table, key_id=key_id)
        done[table] = 0
        while progress.finished_at is None:
            if max_batches is not None and batches >= max_batches:
                return done
            count = _rotate_batch(model, progress, batch_size)
            progress.refresh_from_db()
            if count:
                batches += 1
                done[table] += count
                if on_batch:
                    on_batch(table, count)
    return done


def forget_progress() -> None:
    """The current key's runs start over at the first row."""
    KeyRotation.objects.filter(key_id=current_key_id()).delete()


def key_usage() -> dict[str, dict[str, int]]:
    """Per table and column, how many stored values each key id holds (``clear`` for values not encrypted
    but not empty: a row no migration reached)."""
    usage: dict[str, dict[str, int]] = {}
    width = len(PREFIX) + 1
    with connection.cursor() as cursor:
        for model in encrypted_models():
            for field in encrypted_fields(model):
                table, column = model._meta.db_table, field.column
                qn = connection.ops.quote_name
                cursor.execute(
                    f"SELECT {qn(column)} FROM {qn(table)} WHERE {qn(column)} IS NOT NULL AND {qn(column)} <> ''"  # noqa: S608 - names from the model
                )
                counts: dict[str, int] = {}
                for (value,) in cursor.fetchall():
                    key = value[width:].split(":", 1)[0] if value.startswith(PREFIX + ":") else "clear"
                    counts[key] = counts.get(key, 0) + 1
                usage[f"{table}.{column}"] = counts
    return usage
