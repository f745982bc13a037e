"""The top menu leads each role to its own work list: the committee to its agenda, researchers to their
assignments — and nobody else to either."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "agenda", "assignments"),
    [
        ("member", True, False),
        ("chair", True, False),
        ("researcher", False, True),
        ("officer", False, False),
        ("manager", False, False),
        ("superuser", True, True),
    ],
)
def test_work_lists_in_the_top_menu(role, agenda, assignments, request, client_for):
    user = request.getfixturevalue(role)
    client = client_for(user)
    html = client.get(reverse("requests_app:list")).content.decode()
    header = html[html.index("<header") : html.index("</header>")]
    assert (f'href="{reverse("requests_app:agenda")}"' in header) is agenda
    assert (f'href="{reverse("requests_app:assignments")}"' in header) is assignments
    # Each link it shows opens.
    if agenda:
        assert client.get(reverse("requests_app:agenda")).status_code == 200
    if assignments:
        assert client.get(reverse("requests_app:assignments")).status_code == 200
