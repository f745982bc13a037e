"""Staff two-factor sign-in (TOTP): enrolment with a QR code, the code after the password, required for the
roles STAFF_2FA_REQUIRED_ROLES names (managers and admins in production) and available to everyone."""

import time

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from association.kernel.roles import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-Passphrase-2026"


def _user(role=None, **kwargs):
    user = UserFactory(role=role, **kwargs)
    user.set_password(PASSWORD)
    user.save()
    return user


def _code(device, offset=0) -> str:
    """The code the phone shows now (django-otp's own TOTP from the device's key)."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=offset):06d}"


def _login(client, user):
    return client.post(reverse("login"), {"username": user.username, "password": PASSWORD})


def test_any_staff_member_enrols_and_then_every_sign_in_asks_for_the_code(client):
    officer = _user(Role.RELATIONS_OFFICER)
    _login(client, officer)
    page = client.get(reverse("two_factor_setup"))
    assert page.status_code == 200 and "<svg" in page.content.decode()
    assert page["Cache-Control"].find("no-store") >= 0
    device = TOTPDevice.objects.get(user=officer, confirmed=False)
    wrong = client.post(reverse("two_factor_setup"), {"code": "000000" if _code(device) != "000000" else "111111"})
    assert wrong.status_code == 200 and wrong.context["form"].errors["code"]
    bad = client.post(reverse("two_factor_setup"), {"code": "12ab"})
    assert bad.context["form"].errors["code"]
    device.refresh_from_db()
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()
    done = client.post(reverse("two_factor_setup"), {"code": _code(device)})
    assert done.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("beneficiaries:desk")).status_code == 200  # verified in this session
    # A new sign-in: the password alone reaches only the code page.
    client.post(reverse("logout"))
    response = _login(client, officer)
    assert response.status_code == 302
    blocked = client.get(reverse("beneficiaries:desk"))
    assert blocked.status_code == 302 and blocked["Location"].startswith(reverse("two_factor_verify"))
    time.sleep(0)  # the same 30-second step would be refused as a replay: use the next step's code
    device.refresh_from_db()
    verify = client.post(reverse("two_factor_verify"), {"code": _code(device, offset=1), "next": "/desk/"})
    if verify.status_code == 200:  # the next step is not accepted by the device's tolerance: wait for it
        time.sleep(31)
        verify = client.post(reverse("two_factor_verify"), {"code": _code(device), "next": "/desk/"})
    assert verify.status_code == 302 and verify["Location"] == "/desk/"
    assert client.get(reverse("beneficiaries:desk")).status_code == 200


def test_a_wrong_code_keeps_the_user_out(client):
    officer = _user(Role.RELATIONS_OFFICER)
    device = TOTPDevice.objects.create(user=officer, name="portal", confirmed=True)
    _login(client, officer)
    response = client.post(reverse("two_factor_verify"), {"code": "123456" if _code(device) != "123456" else "654321"})
    assert response.status_code == 200 and response.context["form"].errors["code"]
    assert client.get(reverse("beneficiaries:list"))["Location"].startswith(reverse("two_factor_verify"))
    # An outside "next" is never followed.
    device.throttling_failure_count = 0
    device.save()
    ok = client.post(reverse("two_factor_verify"), {"code": _code(device), "next": "https://evil.example/"})
    assert ok["Location"] == reverse("home")


def test_required_roles_are_sent_to_enrolment_until_done(client, settings):
    settings.STAFF_2FA_REQUIRED_ROLES = ["manager", "superuser"]
    manager = _user(Role.MANAGER)
    admin = _user(None, is_staff=True, is_superuser=True)
    officer = _user(Role.RELATIONS_OFFICER)
    for user in (manager, admin):
        client.force_login(user)
        response = client.get(reverse("beneficiaries:list"))
        assert response.status_code == 302 and response["Location"].startswith(reverse("two_factor_setup"))
        assert client.get(reverse("two_factor_setup")).status_code == 200
        assert client.get("/admin/").status_code == 302
    # Not required of the officer: they work at once (and may still enrol).
    client.force_login(officer)
    assert client.get(reverse("beneficiaries:desk")).status_code == 200


def test_by_default_under_tests_and_the_demo_nobody_is_forced(client, settings):
    assert settings.STAFF_2FA_REQUIRED_ROLES == []
    client.force_login(_user(Role.MANAGER))
    assert client.get(reverse("beneficiaries:list")).status_code == 200


def test_production_requires_it_of_managers_and_admins_unless_set():
    import base64
    import os
    import secrets
    import subprocess
    import sys

    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "DJANGO_SETTINGS_MODULE": "association.settings",
        # Production refuses to start without its own keys for the encrypted columns (issue 17).
        "FIELD_ENCRYPTION_KEYS": "k1:" + base64.b64encode(secrets.token_bytes(32)).decode(),
        "BLIND_INDEX_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
    }
    env.pop("STAFF_2FA_REQUIRED_ROLES", None)
    code = "import django; django.setup(); from django.conf import settings; print(settings.STAFF_2FA_REQUIRED_ROLES)"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    assert out.strip() == "['manager', 'superuser']"
    env["STAFF_2FA_REQUIRED_ROLES"] = "manager,superuser,relations_officer"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    assert "relations_officer" in out
