import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from surveys import services
from surveys.models import Answer, Invitation, Response

from .factories import answers_for, open_invitation, post_data, riyadh

pytestmark = pytest.mark.django_db


def _private(response):
    assert response["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response["Cache-Control"]


def test_page_is_public_rtl_and_private(client):
    invitation = open_invitation()
    response = client.get(invitation.get_absolute_url())
    assert response.status_code == 200
    _private(response)
    html = response.content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert 'name="viewport"' in html
    # Plain form POST, a label for every question, no script at all.
    assert '<form method="post"' in html and "<script" not in html
    assert html.count("<legend") == 4 and html.count('<label for="id_q') == 1


def test_submit_records_the_answers_and_thanks(client):
    invitation = open_invitation()
    version = invitation.version
    response = client.post(invitation.get_absolute_url(), post_data(version, rating=4, score=9))
    assert response.status_code == 302
    _private(response)
    thanks = client.get(response["Location"])
    assert thanks.status_code == 200
    _private(thanks)
    saved = Response.objects.get()
    assert saved.invitation == invitation and saved.version == version
    assert sorted(Answer.objects.exclude(number=None).values_list("number", flat=True)) == [4, 9]
    assert Answer.objects.get(question__kind="multiple").choices.count() == 2
    invitation.refresh_from_db()
    assert invitation.used_at is not None


def test_token_reuse_is_refused_with_a_kind_page(client):
    invitation = open_invitation()
    data = post_data(invitation.version)
    client.post(invitation.get_absolute_url(), data)
    again = client.post(invitation.get_absolute_url(), data)
    assert again.status_code == 410
    _private(again)
    assert again.context["reason"] == "used"
    assert Response.objects.count() == 1
    view = client.get(invitation.get_absolute_url())
    assert view.status_code == 410 and view.context["reason"] == "used"


def test_token_reuse_is_refused_by_the_service():
    invitation = open_invitation()
    services.response_submit(token=invitation.token, answers=answers_for(invitation.version))
    with pytest.raises(services.InvitationUnavailable) as exc:
        services.response_submit(token=invitation.token, answers=answers_for(invitation.version))
    assert exc.value.reason == "used"
    assert Response.objects.count() == 1


def test_expiry_at_the_boundary(client):
    with time_machine.travel(riyadh(2026, 11, 1, 9, 0), tick=False):
        invitation = open_invitation()
    assert invitation.expires_at == riyadh(2026, 11, 15, 9, 0)  # 14 days by default
    with time_machine.travel(riyadh(2026, 11, 15, 8, 59, 59), tick=False):
        assert client.get(invitation.get_absolute_url()).status_code == 200
    with time_machine.travel(riyadh(2026, 11, 15, 9, 0), tick=False):
        page = client.get(invitation.get_absolute_url())
        assert page.status_code == 410 and page.context["reason"] == "expired"
        _private(page)
        posted = client.post(invitation.get_absolute_url(), post_data(invitation.version))
        assert posted.status_code == 410
        with pytest.raises(services.InvitationUnavailable):
            services.response_submit(token=invitation.token, answers=answers_for(invitation.version))
    assert not Response.objects.exists()
    assert Invitation.objects.get().used_at is None


def test_unknown_token_is_404_and_private(client):
    response = client.get(reverse("surveys:answer", kwargs={"token": "x" * 43}))
    assert response.status_code == 404
    _private(response)


def test_missing_required_answer_keeps_the_typed_data(client):
    invitation = open_invitation()
    data = post_data(invitation.version, text="ملاحظتي المكتوبة")
    rating = invitation.version.questions.get(kind="rating")
    del data[f"q{rating.pk}"]
    response = client.post(invitation.get_absolute_url(), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "ملاحظتي المكتوبة" in html and 'role="alert"' in html
    assert response.context["form"].errors[f"q{rating.pk}"]
    assert not Response.objects.exists()
    assert Invitation.objects.get().used_at is None


def test_out_of_range_value_is_refused_by_the_service():
    invitation = open_invitation()
    answers = answers_for(invitation.version)
    answers[invitation.version.questions.get(kind="rating").pk] = 6
    with pytest.raises(ValidationError) as exc:
        services.response_submit(token=invitation.token, answers=answers)
    assert f"q{invitation.version.questions.get(kind='rating').pk}" in exc.value.message_dict
    assert not Response.objects.exists()


def test_page_in_english_is_ltr(client):
    invitation = open_invitation()
    response = client.get(invitation.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert '<html lang="en" dir="ltr">' in html
    assert "Question rating" in html


def test_unsent_invitation_scheduled_later_still_works_in_person(client):
    invitation = open_invitation()
    Invitation.objects.filter(pk=invitation.pk).update(scheduled_for=invitation.scheduled_for + dt.timedelta(days=2))
    assert client.get(invitation.get_absolute_url()).status_code == 200


def test_post_passes_with_csrf_checks_and_a_null_origin():
    """Under no-referrer, browsers send ``Origin: null``; the token in the URL is the protection."""
    invitation = open_invitation()
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(invitation.get_absolute_url(), post_data(invitation.version), HTTP_ORIGIN="null")
    assert response.status_code == 302
    assert Response.objects.count() == 1


def test_language_switch_on_the_page_itself(client):
    invitation = open_invitation()
    response = client.get(invitation.get_absolute_url() + "?lang=en")
    assert '<html lang="en" dir="ltr">' in response.content.decode()
    _private(response)
    assert response.cookies["django_language"].value == "en"
    posted = client.post(invitation.get_absolute_url() + "?lang=en", post_data(invitation.version))
    assert posted["Location"].endswith("?done=1&lang=en")
