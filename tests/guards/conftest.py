"""One world for both guards, built once per run of this package and rolled back after it.

The world (``seed_demo`` plus the rows the portal writes by itself, see ``world.py``) is built inside a
transaction opened here; every guard test runs in a savepoint inside it (the ``db`` fixture), and
every request in a savepoint of its own. Nothing outlives the package: the other tests see the
migrated database as before.
"""

import json
import os
import time
from collections import Counter

import pytest
from django.db import connection, transaction
from django.test import override_settings

from .crawler import CrawlResult, crawl, guard_client, shape_label
from .world import ACTORS, build_world

# Figures for the terminal summary and test-artifacts/guards-<database>.json.
FIGURES: dict = {}


@pytest.fixture(scope="package")
def guard_world(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("guard-media")
    started = time.monotonic()
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic._from_testcase = True  # services may open durable blocks inside it, as inside a TestCase
        atomic.__enter__()
        try:
            with override_settings(
                MEDIA_ROOT=str(media),
                SMS_BACKEND="file",
                SMS_FILE_PATH=str(media / "sms.jsonl"),
                EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
            ):
                world = build_world()
                FIGURES["database"] = connection.vendor
                FIGURES["world_seconds"] = round(time.monotonic() - started, 1)
                yield world
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


class Crawls:
    """Each actor's crawl, done once and shared by the crawl guard and the bad-input sweep."""

    def __init__(self, world):
        self.world = world
        self.results: dict[str, CrawlResult] = {}

    def client(self, actor: str):
        client = guard_client()
        user = self.world.users[actor]
        if user is not None:
            client.force_login(user)
        return client

    def starts(self, actor: str) -> list[str]:
        if actor == "anonymous":
            return [
                "/",
                "/contact/",
                "/contact/status/",
                "/policy/",
                "/accounts/login/",
                self.world.survey_open_url,
                self.world.survey_answered_url,
            ]
        # The home, then the pages of what the public, the worker and the admin wrote: the crawl's
        # bound by URL shape could otherwise pass them over for older demo rows.
        return ["/", *self.world.staff_pages]

    def get(self, actor: str) -> CrawlResult:
        if actor not in self.results:
            result = crawl(self.client(actor), actor, self.starts(actor), admin=actor == "superuser")
            self.results[actor] = result
            FIGURES.setdefault("crawl", {})[actor] = {
                "pages": len(result.pages),
                "shapes": len(result.shapes),
                "forms": len(result.forms),
                "5xx": len(result.failures),
                "seconds": round(result.seconds, 1),
                "statuses": dict(sorted(Counter(page.status for page in result.pages).items())),
                "shape_list": sorted(shape_label(shape) for shape in result.shapes),
            }
        return self.results[actor]

    def all(self) -> dict[str, CrawlResult]:
        return {actor: self.get(actor) for actor in ACTORS}


@pytest.fixture(scope="package")
def guard_crawls(guard_world):
    return Crawls(guard_world)


def _artifact_path() -> str:
    folder = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(__file__))), "test-artifacts")
    os.makedirs(folder, exist_ok=True)
    return os.path.join(folder, f"guards-{FIGURES.get('database', 'unknown')}.json")


def pytest_terminal_summary(terminalreporter):
    if not FIGURES.get("database"):
        return
    path = _artifact_path()
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(FIGURES, handle, ensure_ascii=False, indent=2)
    write = terminalreporter.write_line
    terminalreporter.section(f"guards on {FIGURES['database']}")
    write(f"world built in {FIGURES.get('world_seconds')} s")
    for actor, figures in FIGURES.get("crawl", {}).items():
        write(
            f"crawl  {actor:<18} pages {figures['pages']:>4}  shapes {figures['shapes']:>4}  "
            f"forms {figures['forms']:>3}  5xx {figures['5xx']:>3}  {figures['seconds']:>6} s"
        )
    for actor, figures in FIGURES.get("bad_input", {}).items():
        write(
            f"input  {actor:<18} forms {figures['forms']:>3}  fields {figures['fields']:>4}  "
            f"requests {figures['requests']:>5}  5xx {figures['5xx']:>3}  {figures['seconds']:>6} s"
        )
    write(f"figures: {path}")
