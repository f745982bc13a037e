"""What every page reads and almost never changes — a user's permissions and roles, the association's profile —
kept in the cache (Redis when deployed) until what it was read from changes.

Each kind of entry has a generation: an entry is used only while the generation it was read under is current, and
a change to what it was read from (a group's permissions, a user's groups or permissions, a new user, the profile)
replaces the generation at once and again when its transaction commits (a page that read the old rows before the
commit stores them under the first replacement, which the second one retires). One round trip per read: the
generation and the entry are fetched together.

The Celery worker reads the database every time (``association.celery`` turns this off there): in the embedded
mode its cache is its own process's memory, which the web process's signals never reach.
"""

import uuid

from django.core.cache import cache
from django.db import transaction

ENABLED = True
# An entry outlives no change (the generation), and no more than this either.
TIMEOUT = 600


def _generation_key(kind: str) -> str:
    return f"memo:{kind}:generation"


def read(kind: str, key, compute):
    """``compute()``, or its value cached under ``kind``/``key`` while ``kind``'s generation stands."""
    if not ENABLED:
        return compute()
    generation_key, entry_key = _generation_key(kind), f"memo:{kind}:{key}"
    found = cache.get_many([generation_key, entry_key])
    generation = found.get(generation_key)
    if generation is None:
        generation = uuid.uuid4().hex
        # Another process may have just set one: keep whichever is stored.
        if not cache.add(generation_key, generation, None):
            generation = cache.get(generation_key) or generation
    entry = found.get(entry_key)
    if entry is not None and entry[0] == generation:
        return entry[1]
    value = compute()
    cache.set(entry_key, (generation, value), TIMEOUT)
    return value


def forget(kind: str, key=None) -> None:
    """Retire every entry of ``kind`` (or its entry for ``key``): now, and again once the current transaction
    commits."""

    def replace():
        if key is None:
            cache.set(_generation_key(kind), uuid.uuid4().hex, None)
        else:
            cache.delete(f"memo:{kind}:{key}")

    replace()
    transaction.on_commit(replace)


# --- small reference tables (branches, channels, service types) --------------------------------------------

_WATCHED: set[str] = set()


def table_kind(model) -> str:
    """The kind under which ``model``'s rows are cached (``watch`` retires it)."""
    return f"table:{model._meta.label_lower}"


def watch(model) -> None:
    """Retire what is cached under ``table_kind(model)`` on any save or delete of one of its rows, and let
    ``table_rows`` cache its whole table. For small tables edited by hand (branches, channels, service types, the
    association's profile), read on every page."""
    from django.db.models.signals import post_delete, post_save

    kind = table_kind(model)

    def retire(**kwargs):
        forget(kind)

    for signal in (post_save, post_delete):
        signal.connect(retire, sender=model, weak=False, dispatch_uid=f"memo.{kind}.{id(signal)}")
    _WATCHED.add(model._meta.label_lower)


def forget_table(model) -> None:
    """Retire ``model``'s cached rows after a bulk ``update()`` (which sends no signal)."""
    forget(table_kind(model))


def table_rows(queryset) -> list:
    """The rows of ``queryset`` — cached when it is a watched model's whole table in some order (a drop-down's
    choices), read as usual otherwise."""
    from django.db.models.query import ModelIterable

    model, query = queryset.model, queryset.query
    plain = (
        model._meta.label_lower in _WATCHED
        and queryset._iterable_class is ModelIterable
        and not query.combinator
        and not query.distinct
        and not query.where
        and not query.select_related
        and not query.annotations
        and not query.extra
        and query.low_mark == 0
        and query.high_mark is None
        and query.deferred_loading == (frozenset(), True)
        and queryset.db == "default"
    )
    if not plain:
        return list(queryset)
    order = ",".join(str(item) for item in (query.order_by or model._meta.ordering)) or "-"
    return read(table_kind(model), order, lambda: list(queryset))
