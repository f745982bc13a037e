"""Staff change their own password from the user menu, in Arabic, through Django's own checks."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from association.kernel.roles import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

OLD, NEW = "a-long-Passphrase-2026", "another-Long-phrase-1447"
URL = reverse("password_change")


@pytest.fixture
def officer_with_password():
    user = UserFactory(role=Role.RELATIONS_OFFICER)
    user.set_password(OLD)
    user.save()
    return user


def test_the_user_menu_links_to_the_page_in_arabic(client, officer_with_password):
    client.force_login(officer_with_password)
    home = client.get(reverse("home"), follow=True).content.decode()
    assert f'href="{URL}"' in home and "تغيير كلمة المرور" in home
    page = client.get(URL)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="old_password"' in html and 'name="new_password1"' in html and 'name="new_password2"' in html
    assert "كلمة المرور" in html


def test_changing_the_password_keeps_the_session_and_the_old_one_stops_working(client, officer_with_password):
    client.force_login(officer_with_password)
    response = client.post(URL, {"old_password": OLD, "new_password1": NEW, "new_password2": NEW}, follow=True)
    assert response.redirect_chain[0][0] == reverse("home")
    assert "تم تغيير كلمة المرور" in response.content.decode()
    assert client.session[SESSION_KEY] == str(officer_with_password.pk)
    officer_with_password.refresh_from_db()
    assert officer_with_password.check_password(NEW) and not officer_with_password.check_password(OLD)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"old_password": "wrong", "new_password1": NEW, "new_password2": NEW}, "old_password"),
        ({"old_password": OLD, "new_password1": NEW, "new_password2": NEW + "x"}, "new_password2"),
        ({"old_password": OLD, "new_password1": "12345678", "new_password2": "12345678"}, "new_password2"),
    ],
)
def test_a_wrong_old_password_or_a_weak_new_one_is_refused_in_arabic(client, officer_with_password, data, field):
    client.force_login(officer_with_password)
    response = client.post(URL, data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors
    assert any("\u0600" <= char <= "\u06ff" for char in " ".join(errors[field]))
    officer_with_password.refresh_from_db()
    assert officer_with_password.check_password(OLD)


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
