"""The public form's honeypot: a bot that fills it is answered exactly like a person, and nothing is saved."""

import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from channels_log.cases.models import Case
from channels_log.contacts.models import ContactEntry

pytestmark = pytest.mark.django_db

URL = reverse("channels_log:public_contact")
DATA = {
    "kind": "complaint",
    "name": "فاطمة علي",
    "mobile": "0551234567",
    "subject": "تأخر الرد",
    "body": "لم يصلني رد.",
}


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


def send(data):
    client = Client()
    response = client.post(URL, data)
    page = client.get(response["Location"]) if response.status_code == 302 else response
    return response, page


def shape(html: str) -> str:
    """The page with its reference number and CSRF token blanked: what a bot can compare."""
    html = re.sub(r"C[A-Z0-9]{9}", "REFERENCE", html)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


def test_a_filled_honeypot_gets_the_same_answer_and_nothing_is_saved():
    person, person_page = send({**DATA, "website": ""})
    assert Case.objects.count() == 1 and ContactEntry.objects.count() == 1
    Case.objects.all().delete()
    ContactEntry.objects.all().delete()

    bot, bot_page = send({**DATA, "website": "http://spam.example"})
    assert (bot.status_code, bot["Location"]) == (person.status_code, person["Location"])
    assert bot_page.status_code == person_page.status_code == 200
    assert shape(bot_page.content.decode()) == shape(person_page.content.decode())
    reference = re.search(r'id="case-reference">(C[A-Z0-9]{9})<', bot_page.content.decode()).group(1)
    assert not Case.objects.exists() and not ContactEntry.objects.exists()
    # The shown reference leads nowhere.
    status = Client().post(reverse("channels_log:public_status"), {"reference": reference, "mobile": DATA["mobile"]})
    assert status.context["case"] is None


def test_a_bot_that_also_sends_bad_data_sees_the_same_errors_a_person_would():
    _, person_page = send({**DATA, "mobile": "123", "website": ""})
    _, bot_page = send({**DATA, "mobile": "123", "website": "spam"})
    assert person_page.status_code == bot_page.status_code == 400
    assert set(person_page.context["form"].errors) == set(bot_page.context["form"].errors) == {"mobile"}
    assert not Case.objects.exists()
