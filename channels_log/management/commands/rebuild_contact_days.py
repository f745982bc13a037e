"""Recompute the contacts per day (``ContactDay``, what the contact reports count) from the contact log.

manage.py rebuild_contact_days

Needed only when contacts were written around the services (a bulk load such as the benchmark's generator) or
after ``TIME_ZONE`` changed; the services keep the days in step with every contact they log.
"""

from django.core.management.base import BaseCommand

from channels_log.contacts import daily


class Command(BaseCommand):
    help = "Recompute the contacts per day, which the contact reports read, from the contact log."

    def handle(self, *args, **options):
        rows = daily.rebuild()
        self.stdout.write(f"{rows} day rows written from the contact log.")
