"""The /my/ pages speak Arabic: a page and the sign-in message are worded in Arabic, not English."""

import pytest
from django.test import Client

from channels_log.messaging.models import OutgoingMessage

from .helpers import signed_in_client

pytestmark = pytest.mark.django_db


def test_sign_in_page_and_code_message_are_arabic():
    page = Client().get("/my/sign-in/").content.decode()
    assert "الدخول إلى صفحتك" in page and "Sign in to your page" not in page
    client = signed_in_client("+966557770001")
    home = client.get("/my/").content.decode()
    assert "تقديم طلب خدمة" in home and "Apply for a service" not in home
    body = OutgoingMessage.objects.get(event="my_sign_in_code").body
    assert "رمز الدخول" in body
