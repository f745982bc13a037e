"""Re-encrypt personal data under the current key (the first of FIELD_ENCRYPTION_KEYS), resumable.

manage.py rotate_field_keys [--batch-size 500] [--max-batches N]
manage.py rotate_field_keys --restart     # again from the start (a new BLIND_INDEX_KEY)
manage.py rotate_field_keys --status      # how many values each key id holds, per column
"""

from django.core.management.base import BaseCommand

from association.kernel import rotation
from association.kernel.crypto import current_key_id


class Command(BaseCommand):
    help = "Re-encrypt every encrypted column under the current key, in batches; resumes where it stopped."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=rotation.DEFAULT_BATCH)
        parser.add_argument("--max-batches", type=int, default=None, help="stop after this many batches")
        parser.add_argument("--status", action="store_true", help="only report the key ids in use")
        parser.add_argument(
            "--restart",
            action="store_true",
            help="start over for the current key (e.g. after a new BLIND_INDEX_KEY: every hash is recomputed)",
        )

    def handle(self, *args, batch_size, max_batches, status, restart, **options):
        if restart and not status:
            rotation.forget_progress()
        if not status:
            self.stdout.write(f"Re-encrypting under key {current_key_id()!r}")
            done = rotation.rotate(
                batch_size=max(1, batch_size),
                max_batches=max_batches,
                on_batch=lambda table, rows: self.stdout.write(f"  {table}: {rows} rows"),
            )
            for table, rows in done.items():
                self.stdout.write(f"{table}: {rows} rows re-encrypted in this run")
        for column, counts in rotation.key_usage().items():
            summary = ", ".join(f"{key}={count}" for key, count in sorted(counts.items())) or "empty"
            self.stdout.write(f"{column}: {summary}")
