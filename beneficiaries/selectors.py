"""Reads that pages and exports share."""

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone

from .models import SensitiveAccess


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def sensitive_access_list(*, filters: dict) -> QuerySet:
    """The access log, newest first, narrowed by ``filters``: ``beneficiary`` (public id), ``user``,
    ``field``, ``start`` and ``end`` (days in Riyadh time, both included). Rows carry their user and
    beneficiary, so a page of them costs the same queries whatever its length."""
    rows = SensitiveAccess.objects.select_related("user", "beneficiary").order_by("-at", "-pk")
    if filters.get("beneficiary"):
        rows = rows.filter(beneficiary__public_id=filters["beneficiary"])
    if filters.get("user"):
        rows = rows.filter(user=filters["user"])
    if filters.get("field"):
        rows = rows.filter(field=filters["field"])
    if filters.get("start"):
        rows = rows.filter(at__gte=_start_of(filters["start"]))
    if filters.get("end"):
        rows = rows.filter(at__lt=_start_of(filters["end"] + dt.timedelta(days=1)))
    return rows
