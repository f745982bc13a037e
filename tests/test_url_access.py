"""Every URL pattern, every actor: the answer matches the table in ``tests/<app>/url_access.py``."""

import importlib
import pkgutil

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

import tests
from association.kernel.roles import Role

from .factories import UserFactory
from .url_access import ACTORS, ALLOWED, BAD_REQUEST, FORBIDDEN, LOGIN, NOT_FOUND

# Django admin and framework endpoints guard themselves; they are checked by Django's own tests.
FRAMEWORK_PREFIXES = ("admin:",)


def _declared() -> dict:
    table = {}
    for module in pkgutil.iter_modules(tests.__path__):
        if not module.ispkg:
            continue
        try:
            access = importlib.import_module(f"tests.{module.name}.url_access")
        except ModuleNotFoundError:
            continue
        for name, entry in access.URLS.items():
            assert name not in table, f"{name} is declared twice"
            table[name] = entry
    return table


def _walk(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = (
                f"{namespace}:{pattern.namespace}"
                if namespace and pattern.namespace
                else (pattern.namespace or namespace)
            )
            yield from _walk(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


def _project_url_names() -> set[str]:
    return {name for name in _walk(get_resolver().url_patterns) if not name.startswith(FRAMEWORK_PREFIXES)}


DECLARED = _declared()


def test_every_url_is_in_the_table():
    missing = _project_url_names() - set(DECLARED)
    assert not missing, f"URLs without an access expectation: {sorted(missing)}"


def test_every_entry_names_every_actor():
    for name, entry in DECLARED.items():
        assert set(entry["expect"]) == set(ACTORS), (
            f"{name}: expectations for {sorted(set(ACTORS) - set(entry['expect']))} missing"
        )


def _actor_user(actor):
    if actor == "anonymous":
        return None
    if actor == "outsider":
        return UserFactory()
    if actor == "superuser":
        return UserFactory(is_staff=True, is_superuser=True)
    return UserFactory(role=actor)


def _check(response, expected, name, actor):
    status = response.status_code
    location = response.get("Location", "")
    to_login = status == 302 and location.startswith(reverse("login"))
    label = f"{name} as {actor}: got {status} {location}"
    if expected == LOGIN:
        assert to_login, label
    elif expected == FORBIDDEN:
        assert status == 403, label
    elif expected == NOT_FOUND:
        assert status == 404, label
    elif expected == BAD_REQUEST:
        assert status == 400, label
    elif expected == ALLOWED:
        # A page that opens: 400 and 404 are failures here (a URL built with the wrong kwargs, a refused
        # request), unless the entry says BAD_REQUEST or NOT_FOUND.
        assert status < 400 and not to_login, label
    else:
        raise AssertionError(f"{name}: unknown expectation {expected!r}")


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(DECLARED))
def test_url_access(client, name):
    entry = DECLARED[name]
    for actor in ACTORS:
        kwargs = entry.get("kwargs", lambda: {})()
        url = reverse(name, kwargs=kwargs) + entry.get("query", "")
        user = _actor_user(actor)
        client.logout()
        if user is not None:
            client.force_login(user)
        method = entry.get("method", "get")
        response = client.post(url, entry.get("data", {})) if method == "post" else client.get(url)
        _check(response, entry["expect"][actor], name, actor)


def test_roles_exist_as_groups(db):
    from django.contrib.auth.models import Group

    assert set(Group.objects.values_list("name", flat=True)) >= {r.value for r in Role}
