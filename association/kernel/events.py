"""Domain events: how an app reacts to what happened in an app below it without being imported by it.

A service publishes a past-tense event with ids (``publish("decision_made", request_id=7)``); apps that
react subscribe in their ``AppConfig.ready`` (``subscribe("decision_made", invite_to_survey)``). Handlers run
after the publishing transaction commits (never for a rolled-back write), each in its own atomic block: a
failing handler is logged and neither undoes the others nor reaches the publisher. Subscribers must be
idempotent (a retry, a second publish or a rerun of the same event does nothing more), and payloads carry
ids, never model instances (the handler re-reads what it needs).
"""

import logging
import threading
from collections import defaultdict
from collections.abc import Callable
from contextlib import contextmanager

from django.db import transaction

logger = logging.getLogger(__name__)

Handler = Callable[..., object]

_SUBSCRIBERS: dict[str, dict[str, Handler]] = defaultdict(dict)
_state = threading.local()


def _key(handler: Handler) -> str:
    return f"{getattr(handler, '__module__', '')}.{getattr(handler, '__qualname__', repr(handler))}"


def subscribe(event_name: str, handler: Handler) -> Handler:
    """Call ``handler(**ids)`` after each commit that published ``event_name``. Subscribing the same function
    again replaces it (``ready`` may run more than once), so a handler never runs twice per event."""
    _SUBSCRIBERS[event_name][_key(handler)] = handler
    return handler


def unsubscribe(event_name: str, handler: Handler) -> None:
    _SUBSCRIBERS[event_name].pop(_key(handler), None)


def subscribers(event_name: str) -> list[Handler]:
    """The handlers of ``event_name``, in subscription order."""
    return list(_SUBSCRIBERS.get(event_name, {}).values())


def publish(event_name: str, *, using: str | None = None, **ids) -> None:
    """Run the subscribers of ``event_name`` with ``ids`` once the current transaction commits (at once
    outside a transaction, or inside ``immediately()``)."""
    if getattr(_state, "immediate", 0):
        dispatch(event_name, **ids)
        return
    transaction.on_commit(lambda: dispatch(event_name, **ids), using=using)


@contextmanager
def immediately():
    """Inside this block (this thread), ``publish`` runs the subscribers at once, each in its own savepoint of
    the current transaction, instead of after the commit. For ``seed_demo`` only: it plays months of the
    association's life in one transaction, and each reaction must happen when what caused it happened (on the
    demo clock), as it would have after that step's own commit, not all at the end."""
    _state.immediate = getattr(_state, "immediate", 0) + 1
    try:
        yield
    finally:
        _state.immediate -= 1


def dispatch(event_name: str, **ids) -> list[Handler]:
    """Run every subscriber now, each in its own atomic block; returns the handlers that failed (logged)."""
    failed = []
    for handler in subscribers(event_name):
        try:
            with transaction.atomic():
                handler(**ids)
        except Exception:
            failed.append(handler)
            logger.exception("event %s: subscriber %s failed (%s)", event_name, _key(handler), ids)
    return failed
