"""Guard: no page answers 500, for any role, on the demo data plus what the public, the worker and an
admin wrote. Each actor follows every same-site link from its home (GET only, bounded by URL shape)."""

import pytest

from .world import ACTORS

pytestmark = [pytest.mark.guard, pytest.mark.django_db]


@pytest.mark.parametrize("actor", ACTORS)
def test_no_reachable_page_answers_5xx(actor, guard_crawls):
    result = guard_crawls.get(actor)
    assert len(result.pages) >= 5, f"{actor} reached only {result.urls}"
    if result.failures:
        lines = "\n".join(failure.line() for failure in result.failures)
        pytest.fail(f"{len(result.failures)} answers >= 500 as {actor}:\n{lines}", pytrace=False)


def test_every_role_reaches_its_work(guard_crawls):
    """The crawl is only worth its figures if it gets past the home page: each actor reaches pages of its own."""
    reached = {
        actor: {page.url.split("?")[0] for page in guard_crawls.get(actor).pages if page.status == 200}
        for actor in ACTORS
    }
    assert "/contact/" in reached["anonymous"] and "/policy/" in reached["anonymous"]
    assert any(url.startswith("/s/") for url in reached["anonymous"])
    assert "/my/sign-in/" in reached["anonymous"]  # the self-service link on the public pages
    assert any(url.startswith("/beneficiaries/") for url in reached["relations_officer"])
    assert any(url.startswith("/requests/") for url in reached["committee_chair"])
    assert any(url.startswith("/surveys/results/") for url in reached["manager"])
    assert any(url.startswith("/admin/channels_log/") for url in reached["superuser"])
