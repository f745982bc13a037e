"""The public contact pages: submission, follow-up by reference + mobile, and abuse handling."""

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from channels_log.cases.forms import PUBLIC_BODY_MAX
from channels_log.cases.models import Case
from channels_log.cases.throttle import PUBLIC_POST_LIMIT
from channels_log.contacts.models import ContactEntry

pytestmark = pytest.mark.django_db

SCRIPT = '<script>alert("x")</script>'


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


def form_data(**overrides):
    data = {
        "kind": "complaint",
        "name": "فاطمة علي",
        "mobile": "0551234567",
        "subject": "تأخر الرد",
        "body": "قدمت طلبًا ولم يصلني رد.",
        "website": "",
    }
    data.update(overrides)
    return data


def submit(client, **overrides):
    return client.post(reverse("channels_log:public_contact"), form_data(**overrides))


def test_form_is_public_and_has_no_staff_navigation(client, officer):
    client.force_login(officer)
    response = client.get(reverse("channels_log:public_contact"))
    assert response.status_code == 200
    assert reverse("channels_log:list") not in response.content.decode()
    assert 'name="csrfmiddlewaretoken"' in response.content.decode()


def test_submission_opens_a_website_case_and_shows_the_reference(client):
    response = submit(client)
    assert response.status_code == 302 and response["Location"] == reverse("channels_log:public_sent")
    case = Case.objects.select_related("contact__channel").get()
    assert case.kind == "complaint" and case.mobile == "+966551234567"
    assert case.contact.channel.code == "website" and case.contact.recorded_by is None
    assert case.reference not in response["Location"]
    page = client.get(response["Location"])
    assert case.reference in page.content.decode()


def test_status_needs_reference_and_the_same_mobile(client):
    submit(client)
    case = Case.objects.get()
    url = reverse("channels_log:public_status")
    wrong = client.post(url, {"reference": case.reference, "mobile": "0559999999"})
    assert "case-status" not in wrong.content.decode()
    assert wrong.context["not_found"] is True and wrong.context["case"] is None
    assert wrong.context["form"].non_field_errors()
    right = client.post(url, {"reference": case.reference.lower(), "mobile": "+966551234567"})
    assert right.context["case"] == case
    assert case.get_status_display() in right.content.decode()


def test_oversized_body_gets_a_clear_error_and_nothing_is_saved(client):
    response = submit(client, body="ن" * (PUBLIC_BODY_MAX + 1))
    assert response.status_code == 400
    assert "body" in response.context["form"].errors
    assert str(PUBLIC_BODY_MAX) in response.context["form"].errors["body"][0]
    # The typed data is kept.
    assert "فاطمة علي" in response.content.decode()
    assert not ContactEntry.objects.exists()


def test_honeypot_filled_saves_nothing_and_answers_like_a_success(client):
    response = submit(client, website="http://spam.example")
    # The bot sees what a person sees (tests/channels_log/test_public_honeypot.py compares the pages).
    assert response.status_code == 302 and response["Location"] == reverse("channels_log:public_sent")
    assert not ContactEntry.objects.exists() and not Case.objects.exists()


def test_script_tags_are_shown_escaped_to_the_sender_and_to_staff(client, officer):
    submit(client, subject=SCRIPT, body=SCRIPT)
    case = Case.objects.get()
    assert case.contact.body == SCRIPT  # stored as typed
    status_page = client.post(
        reverse("channels_log:public_status"), {"reference": case.reference, "mobile": "0551234567"}
    ).content.decode()
    assert SCRIPT not in status_page and "&lt;script&gt;" in status_page
    staff = Client()
    staff.force_login(officer)
    detail = staff.get(reverse("channels_log:case_detail", kwargs={"pk": case.pk})).content.decode()
    assert SCRIPT not in detail and "&lt;script&gt;alert" in detail


def test_flood_from_one_address_gets_429_and_every_post_counts(client):
    for n in range(PUBLIC_POST_LIMIT):
        # Invalid posts count too.
        response = submit(client, body="") if n % 2 else submit(client)
        assert response.status_code in (302, 400)
    response = submit(client)
    assert response.status_code == 429
    assert response["Retry-After"]
    # The status lookup shares the budget.
    assert (
        client.post(reverse("channels_log:public_status"), {"reference": "X", "mobile": "0551234567"}).status_code
        == 429
    )
    assert ContactEntry.objects.count() == PUBLIC_POST_LIMIT // 2
    # Another address is not affected; reading the form is not throttled.
    assert client.get(reverse("channels_log:public_contact")).status_code == 200
    other = submit(Client(REMOTE_ADDR="10.0.0.9"))
    assert other.status_code == 302


def test_x_forwarded_for_does_not_escape_the_throttle(client):
    for _ in range(PUBLIC_POST_LIMIT):
        submit(client)
    response = client.post(reverse("channels_log:public_contact"), form_data(), HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert response.status_code == 429


def test_the_window_resets_after_ten_minutes(client):
    import datetime as dt

    import time_machine

    start = dt.datetime(2026, 11, 22, 9, 0, 1, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        for _ in range(PUBLIC_POST_LIMIT):
            submit(client)
        assert submit(client).status_code == 429
    with time_machine.travel(start + dt.timedelta(minutes=10), tick=False):
        assert submit(client).status_code == 302


def test_csrf_stays_on():
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("channels_log:public_contact"), form_data())
    assert response.status_code == 403
    assert not ContactEntry.objects.exists()


def test_bad_mobile_is_an_error_next_to_the_field(client):
    response = submit(client, mobile="12345")
    assert response.status_code == 400
    assert "mobile" in response.context["form"].errors
