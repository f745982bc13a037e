"""Guard: bad input never answers 500. NUL bytes, 100,000-character strings, huge numbers, zero-width
characters, emoji and Arabic-Indic digits go to every field of every form the crawl found (a junk file
to every file input), to every query parameter of its links (and ``page`` of every page), and in place
of every path segment that names an object (every segment on the public side)."""

import pytest

from .conftest import FIGURES
from .sweep import plan, sweep
from .world import ACTORS

pytestmark = [pytest.mark.guard, pytest.mark.django_db]


@pytest.fixture(scope="package")
def sweep_plans(guard_crawls):
    return {}


def _plans(guard_crawls, cache):
    if not cache:
        cache.update(plan(guard_crawls.all()))
    return cache


@pytest.mark.parametrize("actor", ACTORS)
def test_bad_input_never_answers_5xx(actor, guard_crawls, sweep_plans):
    work = _plans(guard_crawls, sweep_plans)[actor]
    result = sweep(guard_crawls.client(actor), actor, work)
    FIGURES.setdefault("bad_input", {})[actor] = {
        "forms": result.forms,
        "fields": result.fields,
        "queries": len(work.queries),
        "paths": len(work.paths),
        "requests": result.requests,
        "5xx": len(result.failures),
        "seconds": round(result.seconds, 1),
        "costliest": dict(sorted(result.cost.items(), key=lambda item: -item[1][1])[:15]),
    }
    if result.failures:
        lines = "\n".join(failure.line() for failure in result.failures)
        pytest.fail(f"{len(result.failures)} answers >= 500 to bad input as {actor}:\n{lines}", pytrace=False)


def test_the_sweep_reaches_the_public_forms_and_the_admin_filters(guard_crawls, sweep_plans):
    """The figures mean something only if the forms that face the public and the admin lists are in the plan."""
    plans = _plans(guard_crawls, sweep_plans)
    public_actions = {form.action.split("?")[0] for form in plans["anonymous"].forms}
    assert (
        "/contact/" in public_actions and "/contact/status/" in public_actions and "/accounts/login/" in public_actions
    )
    assert any(action.startswith("/s/") for action in public_actions)
    assert "/my/sign-in/" in public_actions  # the self-service sign-in, linked from the public pages
    assert any(url.startswith("/s/") for url, _index in plans["anonymous"].paths)
    admin_filters = [(url, param) for url, param, _download in plans["superuser"].queries if url.startswith("/admin/")]
    assert any(param.endswith("__exact") for _url, param in admin_filters), admin_filters[:20]
    staff_forms = [form for actor in ACTORS if actor != "anonymous" for form in plans[actor].forms]
    assert any(field.kind == "file" for form in staff_forms for field in form.fields)
