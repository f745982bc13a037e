"""Template helpers loaded in every template (``builtins``): dates in both calendars, masking, paging."""

import datetime as dt
import re

from django import template
from django.utils import timezone

from association.dates import format_dual, format_hijri
from association.roles import has_role
from association.text import mask as mask_text
from association.text import person_name, to_arabic_digits

register = template.Library()


# A left-to-right mark before each date: after an Arabic letter (the «م» of the Gregorian half) the
# Unicode bidi algorithm turns digits into Arabic numbers, and «1448-06-12» is then drawn in reverse
# as «12-06-1448», so one line showed its two dates in opposite orders. The mark is invisible.
_LRM = "\u200e"
_DATE_RUN = re.compile(r"(\d[\d\-:]*)")


def _ltr_dates(text: str) -> str:
    return _DATE_RUN.sub(_LRM + r"\1", text)


def _as_local_date(value):
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


@register.filter
def hijri(value):
    """``1448-06-12 هـ``"""
    return _ltr_dates(format_hijri(_as_local_date(value))) if value else ""


@register.filter
def dual_date(value):
    """Gregorian and Hijri: ``2026-11-22 م — 1448-06-12 هـ``"""
    return _ltr_dates(format_dual(_as_local_date(value))) if value else ""


@register.filter
def dual_datetime(value):
    if not value:
        return ""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return _ltr_dates(f"{format_dual(local.date())} {local:%H:%M}")


@register.filter
def masked(value, visible=4):
    return mask_text(value, int(visible))


@register.filter
def person(user, empty=None):
    """``{{ case.assignee|person }}``: full name, else username, else «—» (or ``empty``). None-safe."""
    return person_name(user) if empty is None else person_name(user, empty)


@register.filter
def arabic_digits(value):
    return to_arabic_digits(str(value))


@register.filter
def has_any_role(user, roles: str):
    return has_role(user, *[r.strip() for r in roles.split(",")])


@register.simple_tag(takes_context=True)
def page_url(context, page_number):
    """The current URL with ``page`` replaced, keeping the filters."""
    query = context["request"].GET.copy()
    query["page"] = page_number
    return "?" + query.urlencode()
