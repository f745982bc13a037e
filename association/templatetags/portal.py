"""Template helpers loaded in every template (``builtins``): dates in both calendars, numbers and amounts,
left-to-right runs, masking, paging."""

import datetime as dt

from django import template
from django.utils import timezone

from association.kernel import bidi, numbers
from association.kernel.dates import GREGORIAN_MARK, format_dual, format_hijri
from association.kernel.roles import has_role
from association.kernel.text import group_iban, person_name, to_arabic_digits
from association.kernel.text import mask as mask_text

register = template.Library()


# Dates, numbers, references and codes: isolated left-to-right runs that never break across lines
# (``association.kernel.bidi``). In a plain-text template (an SMS or e-mail template renders with autoescape
# off) the same filters give plain text, the same characters without markup.


@register.filter(needs_autoescape=True)
def hijri(value, autoescape=True):
    """``1448-06-12 هـ``"""
    if not autoescape:
        return format_hijri(bidi.local_date(value)) if value else ""
    return bidi.hijri_date(value)


@register.filter(needs_autoescape=True)
def gregorian(value, autoescape=True):
    """``2026-11-22 م``"""
    if not autoescape:
        day = bidi.local_date(value) if value else None
        return f"{day:%Y-%m-%d} {GREGORIAN_MARK}" if day else ""
    return bidi.gregorian_date(value)


@register.filter(needs_autoescape=True)
def dual_date(value, autoescape=True):
    """Gregorian and Hijri: ``2026-11-22 م — 1448-06-12 هـ``"""
    if not autoescape:
        return format_dual(bidi.local_date(value)) if value else ""
    return bidi.dual_date(value)


@register.filter(needs_autoescape=True)
def dual_datetime(value, autoescape=True):
    """``2026-11-22 م — 1448-06-12 هـ 10:30`` in Riyadh time."""
    if autoescape:
        return bidi.dual_datetime(value)
    if not isinstance(value, dt.datetime):
        return format_dual(value) if value else ""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{format_dual(local.date())} {local:%H:%M}"


@register.filter(needs_autoescape=True)
def ltr(value, autoescape=True):
    """A reference, a number, a phone or a masked ID as one isolated run: ``{{ support_request.number|ltr }}``."""
    if value is None or value == "":
        return ""
    return bidi.ltr(value) if autoescape else str(value)


@register.filter(needs_autoescape=True)
def latin(value, autoescape=True):
    """Like ``ltr``, for codes that keep Western digits in every document: e-mail and web addresses, handles."""
    if value is None or value == "":
        return ""
    return bidi.ltr(value, latin=True) if autoescape else str(value)


@register.filter(needs_autoescape=True)
def iban(value, autoescape=True):
    """``SA03 8000 0000 6080 1016 7519``: in groups of four, Western digits, one run."""
    grouped = group_iban(value)
    if not grouped:
        return ""
    return bidi.ltr(grouped, latin=True) if autoescape else grouped


@register.filter(needs_autoescape=True)
def amount(value, autoescape=True):
    """``1,500.00 ريال`` (``association.kernel.numbers.format_amount``)."""
    return bidi.amount(value) if autoescape else numbers.format_amount(value)


@register.filter(needs_autoescape=True)
def percent(value, autoescape=True):
    """``87.5%`` for a share out of 100."""
    return bidi.percent(value) if autoescape else numbers.format_percent(value)


@register.filter(needs_autoescape=True)
def decimal(value, places=2, autoescape=True):
    """``{{ hours|decimal:1 }}`` → ``12.5``; ``{{ quantity|decimal }}`` → ``1,250.00``."""
    places = int(places)
    return bidi.decimal(value, places) if autoescape else numbers.format_decimal(value, places)


@register.filter(needs_autoescape=True)
def quantity(value, autoescape=True):
    """``3`` or ``2.5``: a quantity without trailing zeros."""
    return bidi.quantity(value) if autoescape else numbers.format_quantity(value)


@register.simple_tag
def outline_number(*numbers):
    """``{% outline_number section_number item_number %}`` → «7.1» (with Arabic-Indic digits «٧-١»)."""
    return bidi.outline_number(*numbers)


@register.filter(needs_autoescape=True)
def ltr_runs(value, autoescape=True):
    """Free text with each date, reference or decimal written in it kept whole and in order."""
    return bidi.ltr_runs(value) if autoescape else str(value or "")


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


@register.simple_tag(takes_context=True)
def page_link(context, page, which):
    """The current URL pointing at the ``first``, ``previous``, ``next`` or ``last`` page of ``page``, keeping
    the filters: numbered pages (``paginate``) by ``page``, keyset pages (``keyset_paginate``) by number and
    cursor."""
    query = context["request"].GET.copy()
    for key in ("page", "after", "before"):
        query.pop(key, None)
    if getattr(page, "keyset", False):
        params = page.link_params(which)
    else:
        numbers = {
            "first": lambda: 1,
            "previous": page.previous_page_number,
            "next": page.next_page_number,
            "last": lambda: page.paginator.num_pages,
        }
        params = {"page": numbers[which]()}
    for key, value in params.items():
        query[key] = value
    return "?" + query.urlencode()


@register.simple_tag(takes_context=True)
def form_token(context, form=None):
    """``{% form_token form %}`` inside a creating ``<form method="post">``: the one-time token that lets
    the server create one record however many times the form is sent (association.kernel.form_tokens)."""
    from django.utils.html import format_html

    from association.kernel import form_tokens

    return format_html(
        '<input type="hidden" name="{}" value="{}">', form_tokens.FIELD, form_tokens.token_for(context["request"], form)
    )
