"""Being heard and their data at /my/: their messages with answers, open surveys, a new message without
retyping name and mobile, what the association holds (masked until asked), a correction, a copy, a withdrawal."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from beneficiaries.models import BulkTransfer, Consent
from beneficiaries.privacy.subject import subject_data
from channels_log.cases.models import Case

from .helpers import signed_in_client
from .world import person, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def me(officer, chair):
    return signed_in(person("+966554440001", officer=officer, chair=chair, tag="د"), "10.6.0.1")


def test_their_messages_with_the_answers(me):
    page = me.client.get("/my/messages/").content.decode()
    assert "استفسار-د" in page
    page = me.client.get(f"/my/messages/{me.case.pk}/").content.decode()
    assert "جواب-د" in page and 'id="case-answer"' in page


def test_a_new_message_names_them_without_retyping(me):
    response = me.client.post("/my/messages/new/", {"kind": "complaint", "subject": "تأخر", "body": "تأخر الرد"})
    assert response.status_code == 302
    case = Case.objects.exclude(pk=me.case.pk).get()
    assert case.contact.beneficiary == me.beneficiary and case.mobile == me.mobile
    assert case.contact.channel.code == "website" and case.assignee is None or case.assignee is not None
    assert response["Location"] == f"/my/messages/{case.pk}/"
    assert me.client.post("/my/messages/new/", {"kind": "bogus", "subject": "", "body": ""}).status_code == 400


def test_someone_with_no_file_sends_a_message_from_their_mobile():
    client = signed_in_client("+966554440009", address="10.6.0.9")
    response = client.post("/my/messages/new/", {"kind": "inquiry", "subject": "سؤال", "body": "كيف أسجل؟"})
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.contact.beneficiary is None and case.mobile == "+966554440009" and case.sms_updates
    assert "سؤال" in client.get("/my/messages/").content.decode()


def test_open_survey_invitations_are_listed(me):
    from surveys.models import Invitation
    from tests.surveys.factories import make_survey

    version = make_survey().versions.get()
    now = timezone.now()
    Invitation.objects.create(
        token="tok-open-d",
        version=version,
        beneficiary=me.beneficiary,
        trigger="batch",
        scheduled_for=now,
        sent_at=now,
        expires_at=now + dt.timedelta(days=5),
    )
    Invitation.objects.create(
        token="tok-used-d",
        version=version,
        beneficiary=me.beneficiary,
        trigger="batch",
        scheduled_for=now,
        sent_at=now,
        used_at=now,
        expires_at=now + dt.timedelta(days=5),
    )
    page = me.client.get("/my/messages/").content.decode()
    assert "/s/tok-open-d/" in page and "tok-used-d" not in page


def test_their_data_masked_until_asked(me):
    page = me.client.get("/my/data/").content.decode()
    national_id = me.beneficiary.national_id
    assert national_id not in page and national_id[-4:] in page
    page = me.client.get("/my/data/?show=1").content.decode()
    assert national_id in page


def test_a_correction_opens_a_case(me):
    assert me.client.post("/my/data/correction/", {"details": ""}).status_code == 400
    response = me.client.post("/my/data/correction/", {"details": "اسم الحي خطأ"})
    assert response.status_code == 302
    case = Case.objects.exclude(pk=me.case.pk).get()
    assert case.contact.body == "اسم الحي خطأ" and case.contact.beneficiary == me.beneficiary


def test_a_copy_of_their_own_data(me):
    response = me.client.get("/my/data/copy.json")
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    data = json.loads(response.content)
    sections = {found["key"]: found["rows"] for found in data["sections"]}
    assert sections["profile"][0]["national_id"] == me.beneficiary.national_id
    numbers = {r["number"] for r in sections["requests"]}
    assert me.rejected.number in numbers
    assert [c["reference"] for c in sections["cases"]] == [me.case.reference]
    # Their own sign-ins are in it (the account, this session, the code that opened it).
    kinds = [row["kind"] for row in sections["self_service"]]
    assert "حساب الخدمات الذاتية" in kinds and "جلسة دخول" in kinds and "رمز دخول مُرسَل" in kinds
    # The same content as the staff's export of their data, and logged as their own download.
    staff = subject_data(me.beneficiary)
    assert [found["key"] for found in data["sections"]] == [found["key"] for found in staff["sections"]]
    copy = BulkTransfer.objects.get(beneficiary=me.beneficiary)
    assert (copy.kind, copy.user, copy.file_format) == ("self_copy", None, "json")
    assert copy.rows == sum(len(found["rows"]) for found in data["sections"])


def test_a_pdf_copy_of_their_own_data(me):
    from tests.requests_app.test_pdfs import pdf_text

    response = me.client.get("/my/data/copy.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert me.beneficiary.national_id in text and me.rejected.number in text
    assert BulkTransfer.objects.get(beneficiary=me.beneficiary).file_format == "pdf"


def test_withdrawing_a_consent_and_the_processing_one_while_a_request_is_open(me):
    Consent.objects.create(beneficiary=me.beneficiary, purpose="surveys", given_at=timezone.now())
    Consent.objects.create(beneficiary=me.beneficiary, purpose="data_processing", given_at=timezone.now())
    assert me.client.post("/my/data/consents/", {"purpose": "surveys"}).status_code == 302
    assert Consent.objects.get(beneficiary=me.beneficiary, purpose="surveys").withdrawn_at is not None
    response = me.client.post("/my/data/consents/", {"purpose": "data_processing"})
    assert response.status_code == 400 and "alert-danger" in response.content.decode()
    assert Consent.objects.get(beneficiary=me.beneficiary, purpose="data_processing").withdrawn_at is None
