"""Wrong passwords lock out the (username, address) pair, never the real user everywhere; the address is
the one ``TRUSTED_PROXIES`` yields; a 100,000-character username is a form error, not a 500."""

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse

from association.kernel.roles import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-Passphrase-2026"
LOGIN = reverse("login")
ATTACKER, OWNER = "203.0.113.5", "198.51.100.20"
PROXY = "10.0.0.2"


@pytest.fixture
def chair():
    user = UserFactory(role=Role.COMMITTEE_CHAIR, username="chair")
    user.set_password(PASSWORD)
    user.save()
    return user


def fail_until_locked(client, username, limit, **extra):
    for _attempt in range(limit):
        response = client.post(LOGIN, {"username": username, "password": "wrong"}, **extra)
    assert response.status_code == 429
    return response


def test_failures_from_one_address_do_not_lock_the_user_out_elsewhere(chair, settings):
    settings.TRUSTED_PROXIES = 0
    attacker = Client(REMOTE_ADDR=ATTACKER)
    fail_until_locked(attacker, "chair", settings.AXES_FAILURE_LIMIT)
    # The attacker's address stays locked out of that account, even with the right password.
    assert attacker.post(LOGIN, {"username": "chair", "password": PASSWORD}).status_code == 429
    # The chair, from their own address, logs in.
    owner = Client(REMOTE_ADDR=OWNER)
    response = owner.post(LOGIN, {"username": "chair", "password": PASSWORD})
    assert response.status_code == 302 and owner.session[SESSION_KEY] == str(chair.pk)


def test_the_locked_address_may_still_log_in_to_another_account(chair, settings):
    settings.TRUSTED_PROXIES = 0
    other = UserFactory(role=Role.RELATIONS_OFFICER, username="officer2")
    other.set_password(PASSWORD)
    other.save()
    shared = Client(REMOTE_ADDR=ATTACKER)
    fail_until_locked(shared, "chair", settings.AXES_FAILURE_LIMIT)
    response = shared.post(LOGIN, {"username": "officer2", "password": PASSWORD})
    assert response.status_code == 302


def test_a_forged_forwarded_header_does_not_escape_the_lockout_without_trusted_proxies(chair, settings):
    settings.TRUSTED_PROXIES = 0
    attacker = Client(REMOTE_ADDR=ATTACKER)
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        attacker.post(LOGIN, {"username": "chair", "password": "wrong"}, HTTP_X_FORWARDED_FOR=f"192.0.2.{attempt}")
    response = attacker.post(LOGIN, {"username": "chair", "password": PASSWORD}, HTTP_X_FORWARDED_FOR="192.0.2.200")
    assert response.status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER}


def test_behind_a_proxy_each_client_is_counted_by_its_own_address(chair, settings):
    settings.TRUSTED_PROXIES = 1
    through_proxy = Client(REMOTE_ADDR=PROXY)
    fail_until_locked(through_proxy, "chair", settings.AXES_FAILURE_LIMIT, HTTP_X_FORWARDED_FOR=ATTACKER)
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER}
    # The chair comes through the same proxy from another address.
    owner = Client(REMOTE_ADDR=PROXY)
    response = owner.post(LOGIN, {"username": "chair", "password": PASSWORD}, HTTP_X_FORWARDED_FOR=OWNER)
    assert response.status_code == 302 and owner.session[SESSION_KEY] == str(chair.pk)


def test_a_huge_username_is_a_form_error_and_records_nothing(client, chair):
    response = client.post(LOGIN, {"username": "a" * 100_000, "password": "wrong"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "username" in errors
    assert not AccessAttempt.objects.exists()
    assert SESSION_KEY not in client.session
    # The page keeps working for the real user.
    response = client.post(LOGIN, {"username": "chair", "password": PASSWORD})
    assert response.status_code == 302


def test_a_huge_password_is_a_form_error(client, chair):
    response = client.post(LOGIN, {"username": "chair", "password": "p" * 100_000})
    assert response.status_code == 200
    assert "password" in response.context["form"].errors
