"""No admin path bypasses a rule or the case history: contacts, cases, attachments and messages are read-only
in the admin (recorded and changed through their services); only settings (response targets, templates,
preferences through their service) are edited there."""

import pytest
from django.urls import reverse

from tests.channels_log.factories import make_case

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "model", ["contactentry", "case", "contactattachment", "outgoingmessage", "caseevent", "deliverylogentry"]
)
def test_the_admin_cannot_add_a_domain_record(client_for, superuser, model):
    url = f"admin:channels_log_{model}_add"
    try:
        path = reverse(url)
    except Exception:  # not registered on its own: no add page at all
        return
    assert client_for(superuser).get(path).status_code == 403


def test_the_admin_shows_a_case_and_its_contact_without_a_save_button(client_for, superuser, officer):
    case = make_case(kind="complaint", actor=officer)
    client = client_for(superuser)
    for url in (
        reverse("admin:channels_log_case_change", args=[case.pk]),
        reverse("admin:channels_log_contactentry_change", args=[case.contact.pk]),
    ):
        page = client.get(url)
        assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert (
        client.post(reverse("admin:channels_log_case_change", args=[case.pk]), {"status": "closed"}).status_code == 403
    )
    case.refresh_from_db()
    assert case.status == "open"
