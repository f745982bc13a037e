"""Pages of a list: ``paginate`` (numbered, for short lists), ``keyset_paginate`` (for the big lists) and
``keys_paginate`` (numbered pages of a search, from one scan of its matches).

``keyset_paginate`` seeks from the last (or first) row shown instead of counting rows to skip: a page deep in
a list of a million rows costs what page 1 costs. Its links carry the page number (for display and for
links made by hand) and a cursor (``after`` / ``before``: the order key of the row the page ends or starts
at), so rows added or removed meanwhile neither repeat nor vanish between pages. The count is bounded
(``COUNT_LIMIT``): past it the page says "more than …" instead of counting a whole table on every request.
The last page is read backwards from the end of the order. A number without a cursor (an old link, a typed
address) still gives that page (by offset), and anything unreadable gives page 1: never 404 or 500.
"""

import base64
import binascii
import json
import math

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import connections, transaction
from django.db.models import Q

PAGE_SIZE = 25
# Counted up to this many rows; past it, "more than COUNT_LIMIT records" and no page count.
COUNT_LIMIT = 10_000
# The highest page number read (25 billion rows at 25 a page): past it, the last page.
MAX_PAGE_NUMBER = 10**9
LAST = "last"


def paginate(request, queryset, per_page: int = PAGE_SIZE):
    """A page of ``queryset`` for ``?page=``; a bad or out-of-range number gives a valid page, never 404/500."""
    paginator = Paginator(queryset, per_page)
    return paginator.get_page(request.GET.get("page"))


# --- numbered pages of a search -------------------------------------------------------------------------


class NumberedPage:
    """A page of ``keys_paginate``: what the search pager reads of Django's ``Page``. Past the count's bound the
    number of pages is unknown (``paginator.num_pages`` is ``None``) and ``has_next`` comes from one row read
    ahead."""

    def __init__(self, object_list, *, number: int, paginator, has_next: bool):
        self.object_list = object_list
        self.number = number
        self.paginator = paginator
        self._has_next = has_next

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)

    def has_next(self) -> bool:
        return self._has_next

    def has_previous(self) -> bool:
        return self.number > 1

    def has_other_pages(self) -> bool:
        return self.has_next() or self.has_previous()

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1


def keys_paginate(queryset, number, per_page: int = PAGE_SIZE, *, count_limit: int = COUNT_LIMIT) -> NumberedPage:
    """Page ``number`` (as sent: anything unreadable gives page 1, a number past the end the last page) of the
    ordered ``queryset``, counted up to ``count_limit`` (past it: "more than …" and no page count).

    Two queries where a paginator's ``COUNT`` and page query make two scans of the matches: the primary keys of
    the first ``count_limit + 1`` matches in order (their number is the count, and no row is read twice), then
    the page's rows by primary key. A query matching few rows (a name search) never takes the order's index
    either, whose scan the planner may pick for a ``LIMIT 25`` and which then walks most of the table to find
    them. A page past the bound is read by offset."""
    number = _page_number(number)
    number = number if isinstance(number, int) else 1
    keys = list(queryset.values_list("pk", flat=True)[: count_limit + 1])
    paginator = KeysetPaginator(len(keys), per_page, count_limit)
    if paginator.exact:
        number = min(number, paginator.num_pages)
    start = (number - 1) * per_page
    if paginator.exact or start + per_page < len(keys):
        page_keys = keys[start : start + per_page]
        rows = list(queryset.filter(pk__in=page_keys)) if page_keys else []
        return NumberedPage(rows, number=number, paginator=paginator, has_next=start + per_page < len(keys))
    rows = list(queryset[start : start + per_page + 1])
    if not rows:  # past the end of a list too long to count: count it once, give its last page
        last = Paginator(queryset, per_page).get_page(number)
        paginator = KeysetPaginator(last.paginator.count, per_page, last.paginator.count)
        return NumberedPage(list(last.object_list), number=last.number, paginator=paginator, has_next=False)
    return NumberedPage(rows[:per_page], number=number, paginator=paginator, has_next=len(rows) > per_page)


# --- keyset pagination ----------------------------------------------------------------------------------


def _order_keys(queryset) -> list[tuple[str, bool]]:
    """The queryset's order as (field name, descending) pairs; it must end with the primary key (a unique,
    total order) and name only the model's own non-null columns."""
    ordering = list(queryset.query.order_by or queryset.model._meta.ordering)
    keys = []
    for item in ordering:
        if not isinstance(item, str) or "__" in item or item.lstrip("-") == "?":
            raise ValueError(f"keyset pagination needs plain field names in the order, not {item!r}")
        name = item.lstrip("-")
        name = queryset.model._meta.pk.name if name == "pk" else name
        field = queryset.model._meta.get_field(name)
        if field.null:
            raise ValueError(f"keyset pagination cannot order by the nullable field {name!r}")
        keys.append((name, item.startswith("-")))
    if not keys or keys[-1][0] != queryset.model._meta.pk.name:
        raise ValueError("keyset pagination needs an order that ends with the primary key")
    return keys


def _encode(row, keys) -> str:
    values = [getattr(row, name) for name, _descending in keys]
    text = json.dumps([v.isoformat() if hasattr(v, "isoformat") else v for v in values], separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _decode(token, queryset, keys) -> list | None:
    """The cursor's key values, each through its field's ``to_python``; ``None`` for anything unreadable."""
    if not token or len(token) > 400:
        return None
    try:
        values = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        if not isinstance(values, list) or len(values) != len(keys):
            return None
        meta = queryset.model._meta
        return [meta.get_field(name).to_python(value) for (name, _d), value in zip(keys, values, strict=True)]
    except (ValueError, TypeError, ValidationError, binascii.Error, UnicodeDecodeError):
        return None


def _seek(keys, values, *, forward: bool) -> Q:
    """Rows strictly after (``forward``) or before the row with key ``values`` in the order ``keys``.

    The first key also gets a plain range condition (``<=``/``>=``), which an index on the order can use
    to start the scan at the cursor; the exact tie-breaking follows on the few rows sharing it."""
    condition = Q()
    for i in range(len(keys) - 1, -1, -1):
        name, descending = keys[i]
        lookup = "lt" if descending == forward else "gt"
        strict = Q(**{f"{name}__{lookup}": values[i]})
        condition = strict if i == len(keys) - 1 else strict | (Q(**{name: values[i]}) & condition)
    first, descending = keys[0]
    bound = Q(**{f"{first}__{'lte' if descending == forward else 'gte'}": values[0]})
    return bound & condition


def _reversed(keys) -> list[str]:
    return [name if descending else f"-{name}" for name, descending in keys]


def _rows(queryset) -> list:
    """The page's rows. On PostgreSQL the query is planned in the order Django writes it
    (``join_collapse_limit = 1`` for this statement): a list starts from its own table, read in the order of an
    index and stopped at a page, then looks each related row up by its key — the plan the planner picks anyway,
    after spending ~4 ms comparing every order of a five-join list query that runs in 0.5 ms. A list's filters
    are on its own table's columns, which this order serves."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return list(queryset)
    with transaction.atomic(using=queryset.db), connection.cursor() as cursor:
        cursor.execute("SET LOCAL join_collapse_limit = 1")
        rows = list(queryset)
        # Within a caller's transaction, the rest of it is planned as usual (on an error the savepoint's
        # rollback undoes the SET).
        cursor.execute("SET LOCAL join_collapse_limit = DEFAULT")
        return rows


def bounded_count(queryset, limit: int = COUNT_LIMIT) -> int:
    """How many rows, counted up to ``limit + 1`` (one query that stops early)."""
    return queryset.order_by().values("pk")[: limit + 1].count()


class KeysetPaginator:
    """What the pagination template reads of a paginator: the (bounded) count and the page count."""

    def __init__(self, count: int, per_page: int, limit: int):
        self.exact = count <= limit
        self.count = count if self.exact else limit
        self.num_pages = max(1, math.ceil(count / per_page)) if self.exact else None
        self.limit = limit


class KeysetPage(NumberedPage):
    """One page: its rows, its number (``None`` for the last page of a list too long to count) and the query
    strings of the first, previous, next and last pages (``page_link`` in the templates builds the URLs)."""

    keyset = True

    def __init__(self, object_list, *, number, paginator, has_next, has_previous, keys):
        super().__init__(object_list, number=number, paginator=paginator, has_next=has_next)
        self._has_previous = has_previous
        self.keys = keys

    def has_previous(self) -> bool:
        return self._has_previous

    def link_params(self, which: str) -> dict:
        """The ``page`` / ``after`` / ``before`` values of the link to the ``first``, ``previous``, ``next`` or
        ``last`` page."""
        rows = self.object_list
        if which == "next" and rows:
            return {"page": self.number + 1 if self.number else LAST, "after": _encode(rows[-1], self.keys)}
        if which == "previous" and rows and self.number and self.number > 2:
            return {"page": self.number - 1, "before": _encode(rows[0], self.keys)}
        if which == "previous" and rows and self.number is None:
            return {"before": _encode(rows[0], self.keys)}
        if which == "last":
            return {"page": self.paginator.num_pages or LAST}
        return {"page": 1}


def _page_number(value) -> int | str:
    if value == LAST:
        return LAST
    try:
        number = int(value)
    except (TypeError, ValueError):
        return 1
    # A number past any real list (an offset the database cannot hold) is read as the last page.
    return min(number, MAX_PAGE_NUMBER) if number >= 1 else 1


def keyset_paginate(request, queryset, per_page: int = PAGE_SIZE, *, count_limit: int = COUNT_LIMIT) -> KeysetPage:
    """The page of ``queryset`` that ``request.GET`` asks for (``page``, ``after``, ``before``), in two queries
    whatever the depth: a bounded count and the rows."""
    keys = _order_keys(queryset)
    paginator = KeysetPaginator(bounded_count(queryset, count_limit), per_page, count_limit)
    after = _decode(request.GET.get("after"), queryset, keys)
    before = None if after else _decode(request.GET.get("before"), queryset, keys)
    # A cursor link from the last page of an uncounted list carries no number.
    raw_number = request.GET.get("page")
    number = None if not raw_number and (after or before) else _page_number(raw_number)
    last = paginator.num_pages if paginator.exact else None
    if isinstance(number, int) and last is not None:
        number = min(number, last)
    if not after and not before and (number == LAST or (number == last and number > 1)):
        return _last_page(queryset, keys, paginator, per_page)
    if after is not None:
        rows = _rows(queryset.filter(_seek(keys, after, forward=True))[: per_page + 1])
        number = number if isinstance(number, int) else None
        return KeysetPage(
            rows[:per_page],
            number=number,
            paginator=paginator,
            has_next=len(rows) > per_page,
            has_previous=True,
            keys=keys,
        )
    if before is not None:
        rows = _rows(queryset.filter(_seek(keys, before, forward=False)).order_by(*_reversed(keys))[: per_page + 1])
        number = number if isinstance(number, int) else None
        return KeysetPage(
            rows[:per_page][::-1],
            number=number,
            paginator=paginator,
            has_next=True,
            has_previous=len(rows) > per_page,
            keys=keys,
        )
    offset = (number - 1) * per_page
    rows = _rows(queryset[offset : offset + per_page + 1])
    if not rows and number > 1:
        return _last_page(queryset, keys, paginator, per_page)
    return KeysetPage(
        rows[:per_page],
        number=number,
        paginator=paginator,
        has_next=len(rows) > per_page,
        has_previous=number > 1,
        keys=keys,
    )


def _last_page(queryset, keys, paginator: KeysetPaginator, per_page: int) -> KeysetPage:
    """The end of the order, read backwards: as many rows as the last numbered page holds when the count is
    known, a full page otherwise."""
    size = per_page
    if paginator.exact:
        size = paginator.count - (paginator.num_pages - 1) * per_page or per_page
    rows = _rows(queryset.order_by(*_reversed(keys))[:size])[::-1]
    return KeysetPage(
        rows,
        number=paginator.num_pages,
        paginator=paginator,
        has_next=False,
        has_previous=(paginator.num_pages or 2) > 1,
        keys=keys,
    )
