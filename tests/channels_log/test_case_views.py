"""Staff pages for cases and contacts: permissions per role, form → service → redirect, bad input kept."""

import pytest
from django.urls import reverse

from association.channels import Channel
from channels_log.cases.models import Case, CaseEvent
from channels_log.contacts.models import ContactAttachment, ContactEntry
from tests.channels_log.factories import make_case, make_contact, png_upload
from tests.factories import BeneficiaryFactory

pytestmark = pytest.mark.django_db


def case_url(name, case):
    return reverse(f"channels_log:{name}", kwargs={"pk": case.pk})


def test_roles_on_the_case_list(client_for, officer, researcher, member, chair, manager):
    url = reverse("channels_log:case_list")
    for user in (officer, researcher, manager):
        assert client_for(user).get(url).status_code == 200
    for user in (member, chair):
        assert client_for(user).get(url).status_code == 403


def test_reports_are_for_the_manager(client_for, officer, manager):
    url = reverse("channels_log:case_reports")
    assert client_for(officer).get(url).status_code == 403
    assert client_for(manager).get(url).status_code == 200


def test_officer_answers_through_the_page(client_for, officer):
    case = make_case(actor=officer)
    client = client_for(officer)
    phone = Channel.objects.get(code="phone")
    response = client.post(case_url("case_answer", case), {"response": "أجبنا بالهاتف", "channel": phone.pk})
    assert response.status_code == 302 and response["Location"] == case.get_absolute_url()
    case.refresh_from_db()
    assert case.status == Case.Status.ANSWERED and case.response == "أجبنا بالهاتف"


def test_answer_without_text_shows_the_error_and_saves_nothing(client_for, officer):
    case = make_case(actor=officer)
    response = client_for(officer).post(case_url("case_answer", case), {"response": "", "channel": ""})
    assert response.status_code == 400
    assert "response" in response.context["answer_form"].errors
    case.refresh_from_db()
    assert case.status == Case.Status.OPEN


def test_closing_a_complaint_without_outcome_shows_the_rule(client_for, officer):
    case = make_case(kind="complaint", actor=officer)
    response = client_for(officer).post(case_url("case_close", case), {"note": "انتهى"})
    assert response.status_code == 400
    assert response.context["close_form"].non_field_errors()
    assert Case.objects.get(pk=case.pk).status == Case.Status.OPEN


def test_outcome_with_an_unknown_request_number_is_an_error_next_to_the_field(client_for, officer):
    case = make_case(kind="complaint", actor=officer)
    response = client_for(officer).post(
        case_url("case_outcome", case), {"outcome": "referred", "request_number": "R-0"}
    )
    assert response.status_code == 400
    assert "request_number" in response.context["outcome_form"].errors


def test_state_changes_need_post(client_for, officer):
    case = make_case(actor=officer)
    assert client_for(officer).get(case_url("case_start", case)).status_code == 405


def test_complaint_about_a_member_is_hidden_from_that_member(client_for, officer, researcher, manager):
    case = make_case(kind="complaint", actor=officer, staff_subject=researcher)
    client = client_for(researcher)
    assert client.get(case.get_absolute_url()).status_code == 404
    assert case.reference not in client.get(reverse("channels_log:case_list")).content.decode()
    assert client.get(reverse("channels_log:contact_detail", kwargs={"pk": case.contact_id})).status_code == 404
    assert client_for(manager).get(case.get_absolute_url()).status_code == 200


def test_assign_form_does_not_offer_the_member_complained_about(client_for, officer, researcher):
    case = make_case(kind="complaint", actor=officer, staff_subject=researcher)
    response = client_for(officer).get(case.get_absolute_url())
    assert researcher not in response.context["assign_form"].fields["assignee"].queryset
    response = client_for(officer).post(case_url("case_assign", case), {"assignee": researcher.pk})
    assert response.status_code == 400
    assert Case.objects.get(pk=case.pk).assignee is None


def test_contact_form_with_attachment_and_staff_subject(client_for, officer, researcher, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    beneficiary = BeneficiaryFactory()
    client = client_for(officer)
    url = reverse("channels_log:new") + f"?beneficiary={beneficiary.public_id}"
    data = {
        "channel": Channel.objects.get(code="letter").pk,
        "direction": "in",
        "purpose": "complaint",
        "subject": "شكوى",
        "body": "تعامل غير لائق",
        "staff_subject": researcher.pk,
        "attachment": png_upload(),
    }
    response = client.post(url, data)
    assert response.status_code == 302
    entry = ContactEntry.objects.get()
    assert entry.case.staff_subject == researcher
    attachment = entry.attachments.get()
    assert attachment.content_type == "image/png" and attachment.original_name == "receipt.png"
    served = client.get(reverse("channels_log:attachment", kwargs={"pk": attachment.pk}))
    assert served.status_code == 200 and served["Content-Type"] == "image/png"


def test_attachment_content_is_checked_and_nothing_half_saved(client_for, officer, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    client = client_for(officer)
    fake = SimpleUploadedFile("photo.png", b"<html>not an image</html>", content_type="image/png")
    response = client.post(
        reverse("channels_log:new"),
        {
            "channel": Channel.objects.get(code="phone").pk,
            "direction": "in",
            "purpose": "inquiry",
            "contact_name": "زائر",
            "subject": "سؤال",
            "body": "نص",
            "attachment": fake,
        },
    )
    assert response.status_code == 200
    assert "attachment" in response.context["form"].errors
    assert not ContactEntry.objects.exists() and not ContactAttachment.objects.exists()
    assert not Case.objects.exists()


def test_correction_from_the_contact_page(client_for, officer):
    original = make_contact(purpose="note", actor=officer, subject="قديم")
    client = client_for(officer)
    url = reverse("channels_log:new") + f"?corrects={original.pk}"
    form_page = client.get(url)
    assert form_page.context["form"].initial["subject"] == "قديم"
    response = client.post(
        url,
        {
            "channel": original.channel_id,
            "direction": "in",
            "purpose": "note",
            "contact_name": "سارة أحمد",
            "subject": "جديد",
            "body": "",
        },
    )
    assert response.status_code == 302
    correction = ContactEntry.objects.exclude(pk=original.pk).get()
    assert correction.corrects == original and ContactEntry.objects.get(pk=original.pk).subject == "قديم"


def test_case_list_query_count_does_not_grow(client_for, officer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(officer)
    url = reverse("channels_log:case_list")

    def count():
        client.get(url)  # warm the session and permission caches
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx)

    for _ in range(5):
        make_case(actor=officer, beneficiary=BeneficiaryFactory())
    few = count()
    for _ in range(45):
        make_case(kind="complaint", actor=officer)
    assert count() == few


def test_contact_list_query_count_does_not_grow(client_for, officer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(officer)
    url = reverse("channels_log:list")

    def count():
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            client.get(url)
        return len(ctx)

    for _ in range(5):
        make_contact(actor=officer, purpose="note")
    few = count()
    for _ in range(45):
        make_contact(actor=officer, purpose="note", beneficiary=BeneficiaryFactory())
    assert count() == few


def test_case_history_is_shown(client_for, officer):
    case = make_case(actor=officer)
    page = client_for(officer).get(case.get_absolute_url())
    assert list(page.context["events"]) == list(CaseEvent.objects.filter(case=case))
