"""Running code from several threads at the same instant: the one helper of the concurrency tests.

Each function runs in its own thread, on its own database connection (Django opens one per thread), and
all of them are released together by a barrier, so they really race on the database. A thread's
connection is closed when it ends: a connection left open would keep the test database from being
flushed or dropped. Only meaningful on PostgreSQL (``tests.services.require_postgres``): the tests must be
``django_db(transaction=True)`` so the threads see the rows the test made.
"""

import threading
from collections.abc import Callable
from typing import Any

from django.db import close_old_connections, connection

# How long a thread waits for the others at the start line, and the test for a thread to end (seconds):
# a thread stuck on a lock fails the test instead of hanging the run.
TIMEOUT = 60


def run_at_once(functions: list[Callable[[], Any]], *, timeout: float = TIMEOUT) -> list[Any]:
    """Call every function at the same instant, each in its own thread; their results in the same order.

    A function that raised gives its exception in place of its result (the tests look at what each one got:
    one wins, the others are refused). A thread still running after ``timeout`` seconds fails the test."""
    barrier = threading.Barrier(len(functions))
    results: list[Any] = [None] * len(functions)

    def run(index: int, function: Callable[[], Any]) -> None:
        close_old_connections()
        try:
            barrier.wait(timeout=timeout)
            results[index] = function()
        except Exception as exc:  # noqa: BLE001 - the test inspects what each thread got
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, f), daemon=True) for i, f in enumerate(functions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    stuck = [i for i, thread in enumerate(threads) if thread.is_alive()]
    assert not stuck, f"threads {stuck} still running after {timeout} s"
    return results
