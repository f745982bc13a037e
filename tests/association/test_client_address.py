"""The client's address behind 0, 1 or 2 trusted reverse proxies: one helper, used by the log-in lockout
and by the public forms' throttle."""

import pytest
from axes.helpers import get_client_ip_address
from django.core.cache import cache
from django.test import Client, RequestFactory
from django.urls import reverse

from association.kernel.client import client_address
from channels_log.cases.throttle import PUBLIC_POST_LIMIT

CLIENT, OTHER_CLIENT, FORGED = "198.51.100.7", "198.51.100.99", "203.0.113.66"
PROXY, OUTER_PROXY = "10.0.0.2", "10.0.0.1"


def request(remote=PROXY, forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_no_trusted_proxy_uses_the_connection_and_ignores_a_forged_header(settings):
    settings.TRUSTED_PROXIES = 0
    assert client_address(request(remote=CLIENT)) == CLIENT
    assert client_address(request(remote=CLIENT, forwarded=FORGED)) == CLIENT
    assert client_address(request(remote=CLIENT, forwarded=f"{FORGED}, {OTHER_CLIENT}")) == CLIENT


def test_one_proxy_the_address_it_appended(settings):
    settings.TRUSTED_PROXIES = 1
    assert client_address(request(forwarded=CLIENT)) == CLIENT
    # Whatever the client wrote itself stands to the left of what our proxy appended.
    assert client_address(request(forwarded=f"{FORGED}, {CLIENT}")) == CLIENT
    assert client_address(request(forwarded=f"{FORGED},{FORGED}, {CLIENT}")) == CLIENT


def test_two_proxies_the_address_the_outer_one_appended(settings):
    settings.TRUSTED_PROXIES = 2
    assert client_address(request(forwarded=f"{CLIENT}, {OUTER_PROXY}")) == CLIENT
    assert client_address(request(forwarded=f"{FORGED}, {CLIENT}, {OUTER_PROXY}")) == CLIENT
    # Reached through the inner proxy only: the one entry was still written by a proxy of ours.
    assert client_address(request(forwarded=CLIENT)) == CLIENT


def test_a_missing_header_behind_a_proxy_falls_back_to_the_connection(settings):
    settings.TRUSTED_PROXIES = 1
    assert client_address(request(remote=PROXY)) == PROXY
    assert client_address(request(remote=PROXY, forwarded=" , ")) == PROXY


@pytest.mark.parametrize(
    ("forwarded", "expected"),
    [
        (f"{CLIENT}:51234", CLIENT),
        ("[2001:db8::7]:443", "2001:db8::7"),
        ("2001:DB8::7", "2001:db8::7"),
        ("unknown", PROXY),
        ("<script>", PROXY),
        ("1.2.3.4.5", PROXY),
        ("x" * 10_000, PROXY),
    ],
)
def test_odd_entries_never_pass_for_an_address(settings, forwarded, expected):
    settings.TRUSTED_PROXIES = 1
    assert client_address(request(forwarded=forwarded)) == expected


def test_a_request_without_any_address_gets_a_placeholder(settings):
    settings.TRUSTED_PROXIES = 0
    req = RequestFactory().get("/")
    req.META.pop("REMOTE_ADDR", None)
    assert client_address(req) == "0.0.0.0"  # noqa: S104


def test_the_lockout_reads_the_same_address(settings):
    settings.TRUSTED_PROXIES = 1
    assert get_client_ip_address(request(forwarded=f"{FORGED}, {CLIENT}")) == CLIENT
    settings.TRUSTED_PROXIES = 0
    assert get_client_ip_address(request(remote=CLIENT, forwarded=FORGED)) == CLIENT


@pytest.mark.django_db
def test_the_public_throttle_counts_each_client_behind_the_proxy(settings):
    settings.TRUSTED_PROXIES = 1
    cache.clear()
    url = reverse("channels_log:public_contact")
    data = {"kind": "inquiry", "name": "سارة", "mobile": "0551234567", "subject": "سؤال", "body": "متى؟", "website": ""}
    behind_proxy = Client(REMOTE_ADDR=PROXY)
    for _ in range(PUBLIC_POST_LIMIT):
        assert behind_proxy.post(url, data, HTTP_X_FORWARDED_FOR=CLIENT).status_code == 302
    assert behind_proxy.post(url, data, HTTP_X_FORWARDED_FOR=CLIENT).status_code == 429
    # A forged left-hand entry does not make a new client of the same one...
    assert behind_proxy.post(url, data, HTTP_X_FORWARDED_FOR=f"{FORGED}, {CLIENT}").status_code == 429
    # ...while another person behind the same proxy is not affected.
    assert behind_proxy.post(url, data, HTTP_X_FORWARDED_FOR=OTHER_CLIENT).status_code == 302
    cache.clear()


def test_compose_trusts_exactly_its_one_proxy_and_env_example_documents_the_setting():
    from pathlib import Path

    import yaml

    base = Path(__file__).resolve().parents[2]
    compose = yaml.safe_load((base / "docker-compose.yml").read_text())
    assert str(compose["services"]["web"]["environment"]["TRUSTED_PROXIES"]) == "1"
    assert len([name for name, service in compose["services"].items() if "80:80" in service.get("ports", [])]) == 1
    assert any(line.startswith("TRUSTED_PROXIES=") for line in (base / ".env.example").read_text().splitlines())


def test_no_other_code_reads_the_client_address_itself():
    """One helper: a throttle or a log that read REMOTE_ADDR or X-Forwarded-For itself would be wrong
    behind a proxy (or trust a forged header)."""
    import re
    from pathlib import Path

    base = Path(__file__).resolve().parents[2]
    reading = re.compile(r"""["'](REMOTE_ADDR|HTTP_X_FORWARDED_FOR)["']""")
    apps = ("association", "beneficiaries", "channels_log", "requests_app", "surveys", "programs", "selfservice")
    readers = [
        str(path.relative_to(base))
        for app in apps
        for path in (base / app).rglob("*.py")
        if reading.search(path.read_text())
    ]
    assert readers == ["association/kernel/client.py"]
