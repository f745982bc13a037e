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


def forget(kind: str) -> None:
    """Retire every entry of ``kind``: now, and again once the current transaction commits."""

    def replace():
        cache.set(_generation_key(kind), uuid.uuid4().hex, None)

    replace()
    transaction.on_commit(replace)
