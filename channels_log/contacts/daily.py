"""The contacts per day (``ContactDay``) the contact reports read: counted in the same transaction as each contact,
and recomputed from the log by ``rebuild`` (``manage.py rebuild_contact_days``). A day is a date in the
association's time zone (``TIME_ZONE``), the zone the reports' periods are in."""

import datetime as dt

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F
from django.db.models.functions import TruncDate
from django.utils import timezone

from .models import ContactDay, ContactEntry


def day_of(moment: dt.datetime) -> dt.date:
    return timezone.localdate(moment, timezone.get_default_timezone())


def contact_counted(entry: ContactEntry) -> None:
    """Add a contact just logged to its day's row. Call it in the transaction that saved the entry: two contacts
    logged at once both count (the row is updated in place; a first one of the day is inserted, and whoever loses
    that race updates the row the other inserted)."""
    key = {
        "day": day_of(entry.created_at),
        "channel_id": entry.channel_id,
        "purpose": entry.purpose,
        "branch_id": entry.branch_id,
    }
    if ContactDay.objects.filter(**key).update(count=F("count") + 1):
        return
    try:
        with transaction.atomic():
            ContactDay.objects.create(**key, count=1)
    except IntegrityError:
        ContactDay.objects.filter(**key).update(count=F("count") + 1)


def counted_from_log(contacts=None):
    """The rows ``ContactDay`` should hold for these contacts (all by default), computed from the log:
    ``(day, channel_id, purpose, branch_id, count)``."""
    contacts = ContactEntry.objects.all() if contacts is None else contacts
    return (
        contacts.annotate(day=TruncDate("created_at", tzinfo=timezone.get_default_timezone()))
        .values_list("day", "channel_id", "purpose", "branch_id")
        .annotate(n=Count("pk"))
        .order_by()
    )


@transaction.atomic
def rebuild() -> int:
    """Recompute every day from the log (after a bulk load that bypassed the services, or a change of
    ``TIME_ZONE``). Returns the number of rows written. Contacts logged meanwhile wait for it (SQLite's one
    writer at a time does the same), so none is counted twice or missed."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {ContactEntry._meta.db_table} IN SHARE MODE")
    ContactDay.objects.all().delete()
    rows = [
        ContactDay(day=day, channel_id=channel_id, purpose=purpose, branch_id=branch_id, count=n)
        for day, channel_id, purpose, branch_id, n in counted_from_log().iterator(chunk_size=5000)
    ]
    ContactDay.objects.bulk_create(rows, batch_size=5000)
    return len(rows)
