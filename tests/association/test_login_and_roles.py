"""Log in and out through the real form, Argon2 hashes, django-axes lockout, role groups."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from association.kernel.roles import ROLE_PERMISSIONS, Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-Passphrase-2026"
LOGIN = reverse("login")


@pytest.fixture
def staff_user():
    user = UserFactory(role=Role.SOCIAL_RESEARCHER)
    user.set_password(PASSWORD)
    user.save()
    return user


def test_passwords_are_hashed_with_argon2(staff_user):
    staff_user.refresh_from_db()
    assert staff_user.password.startswith("argon2$argon2id$")
    assert staff_user.check_password(PASSWORD) and not staff_user.check_password(PASSWORD + "x")


def test_login_through_the_form_then_logout(client, staff_user):
    page = client.get(LOGIN)
    assert page.status_code == 200 and 'name="username"' in page.content.decode()
    response = client.post(LOGIN, {"username": staff_user.username, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert client.session[SESSION_KEY] == str(staff_user.pk)
    response = client.post(reverse("logout"))
    assert response.status_code == 302 and response["Location"] == LOGIN
    assert SESSION_KEY not in client.session
    assert client.get(reverse("beneficiaries:list"))["Location"].startswith(LOGIN)


def test_logout_is_a_post_only(client_for, staff_user):
    client = client_for(staff_user)
    assert client.get(reverse("logout")).status_code == 405
    assert SESSION_KEY in client.session


def test_a_wrong_password_is_refused_with_a_message(client, staff_user):
    response = client.post(LOGIN, {"username": staff_user.username, "password": "wrong"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert SESSION_KEY not in client.session


def test_too_many_failed_logins_lock_the_account(client, staff_user, settings):
    limit = settings.AXES_FAILURE_LIMIT
    assert limit >= 2
    for _attempt in range(limit - 1):
        response = client.post(LOGIN, {"username": staff_user.username, "password": "wrong"})
        assert response.status_code == 200
    locked = client.post(LOGIN, {"username": staff_user.username, "password": "wrong"})
    assert locked.status_code == 429
    assert "registration/locked_out.html" in [t.name for t in locked.templates]
    # Locked: even the right password does not let them in until the cool-off ends.
    response = client.post(LOGIN, {"username": staff_user.username, "password": PASSWORD})
    assert response.status_code == 429
    assert SESSION_KEY not in client.session


def test_fewer_failures_than_the_limit_still_allow_login(client, staff_user, settings):
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post(LOGIN, {"username": staff_user.username, "password": "wrong"})
    response = client.post(LOGIN, {"username": staff_user.username, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(staff_user.pk)


def test_every_role_group_exists_after_migrate():
    assert set(Group.objects.values_list("name", flat=True)) >= {role.value for role in Role}


def test_every_permission_in_the_role_table_exists():
    existing = {f"{app}.{code}" for app, code in Permission.objects.values_list("content_type__app_label", "codename")}
    for role, codes in ROLE_PERMISSIONS.items():
        missing = set(codes) - existing
        assert not missing, f"{role}: no such permission {sorted(missing)}"


@pytest.mark.parametrize("role", [role.value for role in Role])
def test_each_role_group_holds_exactly_the_table_permissions(role):
    group = Group.objects.get(name=role)
    held = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}
    assert held == set(ROLE_PERMISSIONS[role])


def test_the_relations_officer_may_register_and_reveal_but_not_vote():
    officer = UserFactory(role=Role.RELATIONS_OFFICER)
    member = UserFactory(role=Role.COMMITTEE_MEMBER)
    assert officer.has_perms(
        [
            "beneficiaries.add_beneficiary",
            "beneficiaries.view_sensitive",
            "channels_log.add_contactentry",
            "requests_app.add_supportrequest",
        ]
    )
    assert not member.has_perm("beneficiaries.add_beneficiary")
    assert not member.has_perm("beneficiaries.view_sensitive")
