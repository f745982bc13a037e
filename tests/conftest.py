import os

import pytest

from association.kernel.roles import Role

from .factories import UserFactory

# Playwright's sync API runs an event loop in the test thread; the ORM calls made around it are
# ordinary synchronous test code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items):
    """Every test that commits for real (live server, threads, a worker) gets serialized rollback.

    Such tests end with a flush that empties every table, including what migrations put there (role
    groups, the eight channels, message templates). With serialized rollback the next test starts
    from the migrated data again instead of an empty database.
    """
    for item in items:
        marker = item.get_closest_marker("django_db")
        transactional = (marker is not None and marker.kwargs.get("transaction")) or any(
            name in item.fixturenames for name in ("live_server", "transactional_db")
        )
        if transactional:
            item.add_marker(pytest.mark.django_db(transaction=True, serialized_rollback=True), append=False)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: a test's database goes back (rollback, flush) without the signals
    that retire cached reads (association.kernel.memo), and a rate limit one test used up is not the next's."""
    from django.core.cache import cache

    cache.clear()
    yield


ROLE_FIXTURES = {
    "officer": Role.RELATIONS_OFFICER,
    "researcher": Role.SOCIAL_RESEARCHER,
    "member": Role.COMMITTEE_MEMBER,
    "chair": Role.COMMITTEE_CHAIR,
    "manager": Role.MANAGER,
}


@pytest.fixture
def make_user(db):
    def make(role: str | None = None, **kwargs):
        return UserFactory(role=role, **kwargs)

    return make


@pytest.fixture
def officer(make_user):
    return make_user(Role.RELATIONS_OFFICER)


@pytest.fixture
def researcher(make_user):
    return make_user(Role.SOCIAL_RESEARCHER)


@pytest.fixture
def member(make_user):
    return make_user(Role.COMMITTEE_MEMBER)


@pytest.fixture
def chair(make_user):
    return make_user(Role.COMMITTEE_CHAIR)


@pytest.fixture
def manager(make_user):
    return make_user(Role.MANAGER)


@pytest.fixture
def outsider(make_user):
    """Logged in, but holding no role."""
    return make_user(None)


@pytest.fixture
def superuser(make_user):
    return make_user(None, is_staff=True, is_superuser=True)


@pytest.fixture
def client_for(client):
    """``client_for(user)``: the test client logged in as ``user``."""

    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def artifacts_dir():
    path = os.path.join(os.path.dirname(os.path.dirname(__file__)), "test-artifacts")
    os.makedirs(path, exist_ok=True)
    return path
