"""Signing in with a code sent to the mobile: 6 digits, valid 5 minutes, 5 tries, a new code after 60 s,
limits per mobile and per client address, the same answer for every mobile, and a short session of its own."""

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from channels_log.messaging.models import OutgoingMessage
from selfservice import access
from selfservice.messages import SIGN_IN_CODE
from selfservice.models import Applicant, ApplicantSession, SignInCode
from tests.factories import BeneficiaryFactory

from .helpers import last_code, signed_in_client

pytestmark = pytest.mark.django_db

KNOWN, UNKNOWN = "+966551110001", "+966551110002"


def _ask(client, mobile="0551110001"):
    return client.post("/my/sign-in/", {"mobile": mobile})


def test_a_code_of_six_digits_goes_through_the_outbox_and_is_stored_hashed():
    BeneficiaryFactory(mobile=KNOWN)
    client = Client(REMOTE_ADDR="10.1.0.1")
    response = _ask(client, "٠٥٥١١١٠٠٠١")  # Arabic-Indic digits, local form
    assert response.status_code == 302 and response["Location"].startswith("/my/sign-in/code/")
    code = last_code(KNOWN)
    assert len(code) == 6 and code.isdigit()
    row = SignInCode.objects.get(mobile=KNOWN)
    assert code not in row.code_hash and len(row.code_hash) == 64
    assert (row.expires_at - row.created_at) == dt.timedelta(minutes=5)
    message = OutgoingMessage.objects.get(event=SIGN_IN_CODE)
    assert message.beneficiary_id is None and message.recipient == KNOWN


def test_known_and_unknown_mobiles_get_the_same_answer():
    BeneficiaryFactory(mobile=KNOWN)
    answers = []
    for mobile in ("0551110001", "0551110002"):
        client = Client(REMOTE_ADDR="10.1.0.2")
        response = _ask(client, mobile)
        page = client.get(response["Location"])
        answers.append((response.status_code, response["Location"], page.status_code, page.content.count(b"<form")))
    assert answers[0] == answers[1]
    assert SignInCode.objects.filter(mobile=UNKNOWN).count() == 1  # the unknown one gets a code too


def test_the_right_code_signs_in_and_links_the_one_file_with_that_mobile():
    beneficiary = BeneficiaryFactory(mobile=KNOWN)
    client = signed_in_client(KNOWN)
    assert Applicant.objects.get(mobile=KNOWN).beneficiary == beneficiary
    page = client.get("/my/")
    assert page.status_code == 200 and beneficiary.first_name in page.content.decode()
    # The staff session is untouched: the applicant is no Django user.
    assert "_auth_user_id" not in client.session


def test_five_wrong_tries_end_the_code_even_for_the_right_one_after():
    client = Client(REMOTE_ADDR="10.1.0.3")
    _ask(client)
    code = last_code(KNOWN)
    wrong = f"{(int(code) + 1) % 1000000:06d}"
    for _ in range(access.CODE_TRIES):
        assert client.post("/my/sign-in/code/", {"code": wrong}).status_code == 400
    assert SignInCode.objects.get().attempts == access.CODE_TRIES
    response = client.post("/my/sign-in/code/", {"code": code})
    assert response.status_code == 400 and "my_session" not in response.cookies
    assert not ApplicantSession.objects.exists()


def test_a_code_expires_after_five_minutes():
    client = Client(REMOTE_ADDR="10.1.0.4")
    _ask(client)
    code = last_code(KNOWN)
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=5, seconds=1)):
        response = client.post("/my/sign-in/code/", {"code": code})
    assert response.status_code == 400 and not ApplicantSession.objects.exists()


def test_a_new_code_only_after_sixty_seconds_and_only_the_newest_counts():
    client = Client(REMOTE_ADDR="10.1.0.5")
    _ask(client)
    first = last_code(KNOWN)
    page = client.post("/my/sign-in/code/resend/", follow=True)
    assert page.redirect_chain[-1][0].startswith("/my/sign-in/code/?wait=")
    assert page.status_code == 200 and SignInCode.objects.count() == 1
    assert "ثانية" in page.content.decode() or "seconds" in page.content.decode()
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=61)):
        resent = client.post("/my/sign-in/code/resend/", follow=True)
        assert resent.status_code == 200 and "code-form" in resent.content.decode()
        assert SignInCode.objects.count() == 2
        second = last_code(KNOWN)
        if second != first:
            assert client.post("/my/sign-in/code/", {"code": first}).status_code == 400
        assert client.post("/my/sign-in/code/", {"code": second}).status_code == 302


def test_at_most_five_codes_an_hour_per_mobile(settings):
    from django.core.cache import cache

    start = timezone.now()
    for n in range(access.CODES_PER_MOBILE + 1):
        cache.clear()
        with time_machine.travel(start + dt.timedelta(minutes=2 * n)):
            result = access.code_request(mobile=KNOWN, client_address=f"10.2.0.{n}")
    assert result.outcome == "limited"
    assert SignInCode.objects.filter(mobile=KNOWN).count() == access.CODES_PER_MOBILE


def test_code_requests_are_limited_per_client_address():
    client = Client(REMOTE_ADDR="10.1.0.6")
    for n in range(access.ADDRESS_CODE_REQUESTS):
        assert _ask(client, f"05511120{n:02d}").status_code == 302
    response = _ask(client, "0551112099")
    assert response.status_code == 429
    assert not SignInCode.objects.filter(mobile="+966551112099").exists()
    # Another address is not held back.
    assert _ask(Client(REMOTE_ADDR="10.1.0.7"), "0551112099").status_code == 302


def test_code_tries_are_limited_per_client_address_across_mobiles():
    client = Client(REMOTE_ADDR="10.1.0.8")
    tries = 0
    for n in range(6):
        _ask(Client(REMOTE_ADDR=f"10.3.0.{n}"), f"05511130{n:02d}")
        client.cookies.load({})
    # One address trying codes for many mobiles is stopped after ADDRESS_CODE_TRIES tries, right or wrong.
    for n in range(6):
        mobile = f"+96655111300{n}"
        for _ in range(4):
            if tries >= access.ADDRESS_CODE_TRIES:
                break
            assert access.code_verify(mobile=mobile, code="000000", client_address="10.1.0.8") is None
            tries += 1
    right = last_code("+966551113005")
    assert access.code_verify(mobile="+966551113005", code=right, client_address="10.1.0.8") is None
    assert access.code_verify(mobile="+966551113005", code=right, client_address="10.1.0.9") is not None


def test_a_bad_mobile_is_an_error_next_to_the_field_and_sends_nothing():
    response = Client(REMOTE_ADDR="10.1.0.10").post("/my/sign-in/", {"mobile": "12345"})
    assert response.status_code == 400 and "is-invalid" in response.content.decode()
    assert not SignInCode.objects.exists() and not OutgoingMessage.objects.exists()


def test_the_session_is_short_and_ends_at_sign_out():
    BeneficiaryFactory(mobile=KNOWN)
    client = signed_in_client(KNOWN)
    assert client.get("/my/").status_code == 200
    with time_machine.travel(timezone.now() + access.SESSION_IDLE + dt.timedelta(seconds=1)):
        response = client.get("/my/")
    assert response.status_code == 302 and response["Location"].startswith("/my/sign-in/")
    client = signed_in_client(KNOWN)
    response = client.post("/my/sign-out/")
    assert response.status_code == 302
    assert ApplicantSession.objects.filter(ended_at__isnull=False).count() == 1
    # The old cookie value no longer opens anything.
    old = ApplicantSession.objects.get(ended_at__isnull=False)
    assert old.ended_at is not None
    assert client.get("/my/").status_code == 302


def test_a_forged_session_cookie_opens_nothing():
    client = Client()
    client.cookies["my_session"] = "forged:value"
    response = client.get("/my/")
    assert response.status_code == 302 and response["Location"].startswith("/my/sign-in/")


def test_sensitive_pages_ask_for_the_id_digits_and_five_wrong_answers_end_the_session():
    beneficiary = BeneficiaryFactory(mobile=KNOWN)
    client = signed_in_client(KNOWN)
    response = client.get("/my/data/")
    assert response.status_code == 302 and response["Location"].startswith("/my/check-id/")
    wrong = "0000" if not beneficiary.national_id.endswith("0000") else "1111"
    for _ in range(access.ID_TRIES - 1):
        assert client.post("/my/check-id/", {"last_four": wrong}).status_code == 400
    response = client.post("/my/check-id/", {"last_four": wrong})
    assert response.status_code == 302 and response["Location"] == "/my/sign-in/"
    assert client.get("/my/").status_code == 302
    client = signed_in_client(KNOWN, last_four=beneficiary.national_id[-4:])
    assert client.get("/my/data/").status_code == 200


def test_with_two_files_on_one_mobile_the_id_digits_choose():
    first = BeneficiaryFactory(mobile=KNOWN)
    second = BeneficiaryFactory(mobile=KNOWN)
    client = signed_in_client(KNOWN)
    assert Applicant.objects.get().beneficiary is None
    client.post("/my/check-id/", {"last_four": second.national_id[-4:]})
    assert Applicant.objects.get().beneficiary == second != first


def test_a_file_whose_mobile_changed_is_no_longer_that_phone_s():
    beneficiary = BeneficiaryFactory(mobile=KNOWN)
    signed_in_client(KNOWN)
    beneficiary.mobile = "+966551119999"
    beneficiary.save()
    signed_in_client(KNOWN, address="10.1.0.20")
    assert Applicant.objects.get(mobile=KNOWN).beneficiary is None


@pytest.mark.django_db(transaction=True)
def test_two_code_requests_at_the_same_moment_send_one_code():
    from tests.concurrency import run_at_once

    results = run_at_once(
        [lambda: access.code_send(mobile=KNOWN, client_address="10.9.0.1") for _ in range(2)], timeout=60
    )
    assert sorted(r.outcome for r in results) == ["sent", "wait"]
    assert SignInCode.objects.filter(mobile=KNOWN).count() == 1
