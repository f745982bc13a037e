"""Access to the real services tests may need. Without the variable a test skips; with
REQUIRE_SERVICES=1 (CI) it fails instead, so a missing service can never pass as green."""

import os

import pytest


def require(condition: bool, what: str) -> None:
    if condition:
        return
    message = f"{what} is not available"
    if os.environ.get("REQUIRE_SERVICES") == "1":
        pytest.fail(message + " and REQUIRE_SERVICES=1", pytrace=False)
    pytest.skip(message)


def require_postgres() -> None:
    from django.db import connection

    require(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL=postgres://...)")


def redis_url() -> str:
    url = os.environ.get("CELERY_BROKER_URL", "")
    require(url.startswith("redis://"), "Redis (CELERY_BROKER_URL=redis://...)")
    return url


def chromium_path() -> str:
    path = os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium"
    require(os.path.exists(path), f"Chromium ({path})")
    return path
