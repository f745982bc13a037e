"""docker-compose.yml and .env.example agree with what settings.py reads; the web healthcheck works.

The variable lists are derived from the source of settings.py, so a variable another app adds is
checked without editing this file.
"""

import base64
import importlib.util
import os
import re
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from django.core.exceptions import ImproperlyConfigured

BASE = Path(__file__).resolve().parent.parent
_READS = re.compile(
    r"\b(?:envstr|envbool|envint|envlist|envsecret|envfloat|os\.environ\.get|os\.getenv)\(\s*[\"']([A-Z][A-Z0-9_]*)[\"']"
    r"|os\.environ\[\s*[\"']([A-Z][A-Z0-9_]*)[\"']\s*\]"
)
_INTERPOLATION = re.compile(r"\$\{([A-Z][A-Z0-9_]*)")
SERVICES = {"proxy", "web", "worker", "beat", "postgres", "redis"}


def _reads(path: Path) -> set[str]:
    return {a or b for a, b in _READS.findall(path.read_text(encoding="utf-8"))}


def _env_example() -> set[str]:
    names = set()
    for line in (BASE / ".env.example").read_text(encoding="utf-8").splitlines():
        match = re.match(r"^([A-Z][A-Z0-9_]*)=", line)
        if match:
            names.add(match.group(1))
    return names


SETTINGS_VARS = _reads(BASE / "association" / "settings.py")
TEST_VARS = _reads(BASE / "tests" / "services.py")  # REQUIRE_SERVICES, CHROMIUM_PATH
COMPOSE_TEXT = (BASE / "docker-compose.yml").read_text(encoding="utf-8")
COMPOSE = yaml.safe_load(COMPOSE_TEXT)


class _UniqueKeyLoader(yaml.SafeLoader):
    """PyYAML keeps the last of two equal keys; docker compose refuses the file."""

    def construct_mapping(self, node, deep=False):
        keys = [key.value for key, _value in node.value if key.tag != "tag:yaml.org,2002:merge"]
        duplicates = sorted({str(k) for k in keys if keys.count(k) > 1})
        if duplicates:
            raise yaml.constructor.ConstructorError(None, None, f"duplicate keys {duplicates}", node.start_mark)
        return super().construct_mapping(node, deep=deep)


COMPOSE_INTERPOLATED = set(_INTERPOLATION.findall(COMPOSE_TEXT))


def _portal_services() -> dict:
    """The services that run our code (built from the Dockerfile), not the postgres/redis images."""
    return {name: svc for name, svc in COMPOSE["services"].items() if "build" in svc}


def test_the_scan_finds_the_settings_variables():
    # Guards the regex itself: if it stopped matching, every test below would pass on empty sets.
    assert {
        "DEBUG",
        "SECRET_KEY",
        "DATABASE_URL",
        "REDIS_URL",
        "CELERY_BROKER_URL",
        "VAR_DIR",
        "AXES_FAILURE_LIMIT",
        "STATIC_ROOT",
    } <= SETTINGS_VARS
    assert {"REQUIRE_SERVICES", "CHROMIUM_PATH"} <= TEST_VARS


def test_compose_has_no_key_twice():
    yaml.load(COMPOSE_TEXT, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass


def test_compose_has_web_worker_beat_postgres_and_redis():
    assert set(COMPOSE["services"]) >= SERVICES
    assert set(_portal_services()) >= {"web", "worker", "beat"}
    commands = {name: str(COMPOSE["services"][name].get("command", "")) for name in ("web", "worker", "beat")}
    assert "gunicorn association.wsgi:application" in commands["web"]
    assert re.search(r"celery -A association worker\b", commands["worker"])
    assert re.search(r"celery -A association beat\b", commands["beat"])
    assert COMPOSE["services"]["postgres"]["image"].startswith("postgres:")
    assert COMPOSE["services"]["redis"]["image"].startswith("redis:")


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_every_service_has_a_healthcheck(name):
    healthcheck = COMPOSE["services"][name].get("healthcheck") or {}
    assert healthcheck.get("test"), f"{name} has no healthcheck"
    assert healthcheck.get("interval") and healthcheck.get("retries")


def test_the_portal_waits_for_healthy_postgres_and_redis():
    for name, service in _portal_services().items():
        depends = service.get("depends_on") or {}
        for backing in ("postgres", "redis"):
            assert depends.get(backing, {}).get("condition") == "service_healthy", f"{name} → {backing}"


def test_data_lives_in_named_volumes():
    declared = set(COMPOSE.get("volumes") or {})
    for name, service in COMPOSE["services"].items():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if not source.startswith((".", "/")):
                assert source in declared, f"{name}: volume {source} is not declared"
    mounts = {name: [v.split(":")[1] for v in svc.get("volumes", [])] for name, svc in COMPOSE["services"].items()}
    assert "/var/lib/postgresql/data" in mounts["postgres"]
    assert "/data" in mounts["redis"]
    assert all(any(m.endswith("/media") for m in mounts[n]) for n in ("web", "worker", "beat"))


@pytest.mark.parametrize("name", ["web", "worker", "beat"])
def test_every_variable_compose_sets_for_the_portal_is_one_settings_reads(name):
    environment = _portal_services()[name].get("environment") or {}
    if isinstance(environment, list):
        environment = dict(item.split("=", 1) for item in environment)
    assert environment, f"{name} gets no environment"
    unknown = set(environment) - SETTINGS_VARS
    assert not unknown, f"{name} sets variables settings.py never reads: {sorted(unknown)}"


def test_every_variable_compose_interpolates_is_documented_in_env_example():
    missing = COMPOSE_INTERPOLATED - _env_example()
    assert not missing, f"docker-compose.yml uses ${{...}} not in .env.example: {sorted(missing)}"


def test_env_example_documents_every_variable_settings_reads():
    missing = SETTINGS_VARS - _env_example()
    assert not missing, f"settings.py reads variables .env.example does not list: {sorted(missing)}"


def test_env_example_lists_only_variables_something_reads():
    unread = _env_example() - SETTINGS_VARS - TEST_VARS - COMPOSE_INTERPOLATED
    assert not unread, f".env.example lists variables nothing reads: {sorted(unread)}"


# --- gunicorn only behind the proxy ------------------------------------------------------------


def test_only_the_reverse_proxy_publishes_ports():
    published = {name for name, svc in COMPOSE["services"].items() if svc.get("ports")}
    assert published == {"proxy"}, f"published ports outside the proxy: {sorted(published - {'proxy'})}"
    assert "8000" in [str(port) for port in COMPOSE["services"]["web"].get("expose", [])]


def test_the_proxy_is_caddy_from_its_official_image_and_forwards_to_gunicorn():
    proxy = COMPOSE["services"]["proxy"]
    assert proxy["image"].split(":")[0] == "caddy"
    assert proxy["depends_on"]["web"]["condition"] == "service_healthy"
    mounts = {v.split(":")[1]: v.split(":")[0] for v in proxy["volumes"]}
    config = BASE / mounts["/etc/caddy/Caddyfile"]
    assert config.is_file(), config
    text = "\n".join(line.split("#")[0] for line in config.read_text(encoding="utf-8").splitlines())
    assert re.search(r"^\s*reverse_proxy\s+web:8000\s*$", text, re.M)
    # Caddy only keeps a client's X-Forwarded-* from proxies listed as trusted: none may be.
    assert "trusted_proxies" not in text
    assert "{$PORTAL_DOMAIN}" in text and "PORTAL_DOMAIN" in proxy["environment"]
    assert {"80:80", "443:443"} <= set(proxy["ports"])


def test_the_https_header_is_trusted_in_compose_because_its_proxy_sets_it():
    environment = _portal_services()["web"]["environment"]
    assert str(environment.get("TRUST_X_FORWARDED_PROTO")) == "1"
    assert environment["DEBUG"] == "0"


def test_compose_trusts_exactly_the_proxies_it_runs():
    """One proxy service in front of gunicorn: one X-Forwarded-For entry to trust, not zero (every client
    would share the proxy's address in the lockout and the throttles), not two (a client could forge one)."""
    proxies = [name for name, svc in COMPOSE["services"].items() if svc.get("ports")]
    environment = _portal_services()["web"]["environment"]
    assert int(environment["TRUSTED_PROXIES"]) == len(proxies) == 1


# --- production settings refuse to start unsafe --------------------------------------------------


def _load_settings(monkeypatch, tmp_path, **env):
    """association/settings.py executed afresh under ``env`` (the loaded Django settings stay as they are)."""
    for name in ("DEBUG", "SECRET_KEY", "TRUST_X_FORWARDED_PROTO", "DATABASE_URL", *KEY_VARS):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    spec = importlib.util.spec_from_file_location("settings_probe", BASE / "association" / "settings.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


GOOD_KEY = secrets.token_urlsafe(50)
KEY_VARS = ("FIELD_ENCRYPTION_KEYS", "BLIND_INDEX_KEY")


def _field_key() -> str:
    return base64.b64encode(secrets.token_bytes(32)).decode()


FIELD_KEYS = {"FIELD_ENCRYPTION_KEYS": f"k1:{_field_key()}", "BLIND_INDEX_KEY": _field_key()}


def test_debug_is_off_when_unset(monkeypatch, tmp_path):
    settings = _load_settings(monkeypatch, tmp_path, **FIELD_KEYS, SECRET_KEY=GOOD_KEY)
    assert settings.DEBUG is False
    assert settings.SECRET_KEY == GOOD_KEY
    assert settings.SECURE_SSL_REDIRECT and settings.SESSION_COOKIE_SECURE


def test_unset_debug_and_no_key_refuses_to_start(monkeypatch, tmp_path):
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        _load_settings(monkeypatch, tmp_path)


def test_source_commands_run_without_debug_set_and_serving_commands_still_refuse(tmp_path):
    """``makemigrations --check`` works in a fresh clone with no environment; ``check`` (as anything that would
    serve) still refuses production settings without their keys."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DEBUG", "SECRET_KEY", "DATABASE_URL", "DJANGO_SETTINGS_MODULE")
    }
    env["VAR_DIR"] = str(tmp_path)
    manage = [sys.executable, str(BASE / "manage.py")]
    done = subprocess.run([*manage, "makemigrations", "--check", "--dry-run"], env=env, cwd=BASE, capture_output=True)
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    assert b"No changes detected" in done.stdout
    refused = subprocess.run([*manage, "check"], env=env, cwd=BASE, capture_output=True)
    assert refused.returncode != 0 and b"SECRET_KEY must be set" in refused.stderr


def _example_secret_key() -> str:
    line = next(
        line
        for line in (BASE / ".env.example").read_text(encoding="utf-8").splitlines()
        if line.startswith("SECRET_KEY=")
    )
    return line.split("=", 1)[1].split()[0]


@pytest.mark.parametrize(
    "key",
    [
        "",
        "embedded-mode-only-insecure-key-change-me-in-production-0123456789",  # the key in the code
        "change-me-to-a-long-random-string",  # .env.example's placeholder
        "please-CHANGEME-" + "x7Kp2" * 10,
        "django-insecure-" + secrets.token_urlsafe(50),  # startproject's key
        secrets.token_urlsafe(20),  # random but short
        "ab" * 40,  # long but not random
    ],
)
def test_production_refuses_a_missing_short_or_placeholder_key(monkeypatch, tmp_path, key):
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        _load_settings(monkeypatch, tmp_path, **FIELD_KEYS, DEBUG="0", SECRET_KEY=key)


def _example_value(name: str) -> str:
    line = next(
        line for line in (BASE / ".env.example").read_text(encoding="utf-8").splitlines() if line.startswith(f"{name}=")
    )
    return line.split("=", 1)[1].split()[0]


@pytest.mark.parametrize(
    ("keys", "blind", "message"),
    [
        ("", "", "FIELD_ENCRYPTION_KEYS must be set"),
        (None, "", "BLIND_INDEX_KEY must be set"),
        ("k1:not base64!", None, "FIELD_ENCRYPTION_KEYS entry 1"),
        ("k1:" + base64.b64encode(b"short").decode(), None, "32 bytes"),
        ("k1:" + base64.b64encode(bytes(32)).decode(), None, "not random"),
        (f"k1:{_field_key()},k1:{_field_key()}", None, "used twice"),
        ("bad id!:" + _field_key(), None, "key id"),
        ("env-example", "env-example", "FIELD_ENCRYPTION_KEYS"),
        ("development", "development", "development keys"),
        ("same", "same", "must differ"),
    ],
)
def test_production_refuses_missing_malformed_or_development_field_keys(monkeypatch, tmp_path, keys, blind, message):
    """Without DEBUG a missing key would leave new values unencrypted or stored ones unreadable: start-up stops."""
    shared = _field_key()
    if keys == "env-example":
        keys, blind = _example_value("FIELD_ENCRYPTION_KEYS"), _example_value("BLIND_INDEX_KEY")
    elif keys == "development":
        keys, blind = _dev_keys_from_source()
    elif keys == "same":
        keys, blind = f"k1:{shared}", shared
    env = {"FIELD_ENCRYPTION_KEYS": FIELD_KEYS["FIELD_ENCRYPTION_KEYS"] if keys is None else keys}
    env["BLIND_INDEX_KEY"] = FIELD_KEYS["BLIND_INDEX_KEY"] if blind is None else blind
    with pytest.raises(ImproperlyConfigured, match=message):
        _load_settings(monkeypatch, tmp_path, DEBUG="0", SECRET_KEY=GOOD_KEY, **env)


def _dev_keys_from_source() -> tuple[str, str]:
    namespace = {}
    source = (BASE / "association" / "settings.py").read_text(encoding="utf-8")
    for name in ("_DEV_FIELD_KEYS", "_DEV_BLIND_KEY"):
        exec(next(line for line in source.splitlines() if line.startswith(f"{name} =")), namespace)  # noqa: S102
    return ",".join(namespace["_DEV_FIELD_KEYS"]), namespace["_DEV_BLIND_KEY"]


def test_production_starts_with_real_field_keys_and_debug_with_the_development_ones(monkeypatch, tmp_path):
    settings = _load_settings(monkeypatch, tmp_path, DEBUG="0", SECRET_KEY=GOOD_KEY, **FIELD_KEYS)
    assert [FIELD_KEYS["FIELD_ENCRYPTION_KEYS"]] == settings.FIELD_ENCRYPTION_KEYS
    assert FIELD_KEYS["BLIND_INDEX_KEY"] == settings.BLIND_INDEX_KEY
    debug = _load_settings(monkeypatch, tmp_path, DEBUG="1")
    assert (",".join(debug.FIELD_ENCRYPTION_KEYS), debug.BLIND_INDEX_KEY) == _dev_keys_from_source()


def test_compose_requires_the_field_keys_and_env_example_says_losing_them_loses_the_data():
    for name in KEY_VARS:
        assert re.search(rf"\$\{{{name}:\?", COMPOSE_TEXT), f"compose must refuse to start without {name}"
    example = (BASE / ".env.example").read_text(encoding="utf-8")
    assert "LOSING THESE KEYS IS LOSING THAT DATA" in example
    readme = (BASE / "README.md").read_text(encoding="utf-8")
    assert "Losing the keys is losing the data" in readme and "rotate_field_keys" in readme


def test_the_example_key_of_env_example_is_refused(monkeypatch, tmp_path):
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        _load_settings(monkeypatch, tmp_path, **FIELD_KEYS, DEBUG="0", SECRET_KEY=_example_secret_key())


def test_debug_mode_runs_with_the_embedded_key(monkeypatch, tmp_path):
    settings = _load_settings(monkeypatch, tmp_path, DEBUG="1")
    assert settings.DEBUG is True and settings.SECRET_KEY


def test_the_https_header_is_trusted_only_when_configured(monkeypatch, tmp_path):
    assert _load_settings(monkeypatch, tmp_path, **FIELD_KEYS, SECRET_KEY=GOOD_KEY).SECURE_PROXY_SSL_HEADER is None
    trusted = _load_settings(monkeypatch, tmp_path, **FIELD_KEYS, SECRET_KEY=GOOD_KEY, TRUST_X_FORWARDED_PROTO="1")
    assert trusted.SECURE_PROXY_SSL_HEADER == ("HTTP_X_FORWARDED_PROTO", "https")


def test_embedded_mode_gets_debug_from_make_run_and_the_tests_from_their_settings():
    makefile = (BASE / "Makefile").read_text(encoding="utf-8")
    line = next(line for line in makefile.splitlines() if re.match(r"^[\w ]+:\s*export DEBUG", line))
    assert {"run", "test"} <= set(line.split(":")[0].split())
    assert re.search(r"DEBUG\s*\??=\s*1$", line)
    assert "DEBUG=1" in (BASE / ".ci" / "run").read_text(encoding="utf-8")
    from django.conf import settings

    assert settings.SETTINGS_MODULE == "tests.settings"


# --- the web healthcheck against production settings, for real ---------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _healthcheck(port: int, env: dict) -> subprocess.CompletedProcess:
    test = COMPOSE["services"]["web"]["healthcheck"]["test"]
    assert test[0] == "CMD" and test[1] == "python"
    command = [sys.executable, *[part.replace("127.0.0.1:8000", f"127.0.0.1:{port}") for part in test[2:]]]
    return subprocess.run(command, env=env, capture_output=True, timeout=30)


# Production settings with one change: the manifest storage without whitenoise's gzip/brotli pass,
# which takes a minute over Bootstrap's files and changes nothing this test looks at.
_PROBE_SETTINGS = """
from association.settings import *  # noqa: F403

STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"}}
"""


def test_the_web_healthcheck_passes_under_production_settings(tmp_path):
    """DEBUG=0, a real host name, HTTPS redirect on, static files from the collected manifest."""
    (tmp_path / "deploy_probe_settings.py").write_text(_PROBE_SETTINGS, encoding="utf-8")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "deploy_probe_settings",
        "PYTHONPATH": os.pathsep.join([str(tmp_path), str(BASE)]),
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        **{name: _field_key() for name in KEY_VARS},
        "ALLOWED_HOSTS": "portal.example.org",
        "CSRF_TRUSTED_ORIGINS": "https://portal.example.org",
        "VAR_DIR": str(tmp_path / "var"),
        "STATIC_ROOT": str(tmp_path / "static"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'portal.sqlite3'}",
        "REDIS_URL": "",
        "CELERY_BROKER_URL": "",
        "PYTHONDONTWRITEBYTECODE": "1",
        # As compose sets it for the web service (its proxy sends X-Forwarded-Proto).
        "TRUST_X_FORWARDED_PROTO": str(_portal_services()["web"]["environment"]["TRUST_X_FORWARDED_PROTO"]),
    }
    manage = [sys.executable, str(BASE / "manage.py")]
    for step in (["migrate", "--noinput", "-v0"], ["collectstatic", "--noinput", "-v0"]):
        done = subprocess.run([*manage, *step], env=env, cwd=BASE, capture_output=True, timeout=300)
        assert done.returncode == 0, done.stderr.decode()[-2000:]
    port = _free_port()
    gunicorn = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "association.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
        ],
        env=env,
        cwd=BASE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            assert gunicorn.poll() is None, gunicorn.stderr.read().decode()[-2000:]
            time.sleep(0.3)
        result = _healthcheck(port, env)
        assert result.returncode == 0, result.stderr.decode()[-2000:]
        # Without the proxy's headers the same request is refused: the healthcheck must send them.
        bare = subprocess.run(
            [
                sys.executable,
                "-c",
                f"import urllib.request as u; u.urlopen('http://127.0.0.1:{port}/accounts/login/', timeout=5)",
            ],
            env=env,
            capture_output=True,
            timeout=30,
        )
        assert bare.returncode != 0
    finally:
        gunicorn.terminate()
        gunicorn.wait(timeout=30)
