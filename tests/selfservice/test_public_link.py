"""The public pages link to the self-service sign-in, so a person who wrote to the association finds it."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/contact/", "/contact/status/", "/policy/"])
def test_the_public_pages_link_to_the_self_service(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert 'id="nav-selfservice"' in response.content.decode() and 'href="/my/"' in response.content.decode()
    assert "خدماتي" in response.content.decode()
    signed_in = client.get("/my/", follow=True)
    assert signed_in.redirect_chain[-1][0].startswith("/my/sign-in/")


def test_staff_pages_do_not_show_it(client, officer):
    client.force_login(officer)
    response = client.get("/policy/")
    assert 'id="nav-selfservice"' not in response.content.decode()
