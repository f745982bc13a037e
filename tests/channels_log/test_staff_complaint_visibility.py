"""A complaint about a staff member never reaches that member, on any path (one rule:
``<Model>.objects.visible_to(user)``); contact attachments are opened like documents (permission, access log,
no-store)."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from beneficiaries.models import SensitiveAccess
from channels_log.cases import services
from channels_log.cases.models import Case
from channels_log.contacts import services as contact_services
from channels_log.contacts.forms import ContactForm
from channels_log.contacts.models import ContactAttachment, ContactEntry
from channels_log.messaging.models import OutgoingMessage
from tests.channels_log.factories import channel, make_case, make_contact, png_upload
from tests.factories import BeneficiaryFactory, SupportRequestFactory, UserFactory

pytestmark = pytest.mark.django_db

SECRET = "تعامل الموظف بفظاظة مع والدتي"
ANSWER = "اعتذرنا للمستفيد وأحلنا الأمر للإدارة"


@pytest.fixture
def subject(researcher):
    """The staff member the complaint is about (a researcher: sees contacts, cases, sensitive data)."""
    return researcher


@pytest.fixture
def thread(officer, subject, settings, tmp_path):
    """A complaint about ``subject`` with an attachment, its correction, and its answer (with the SMS)."""
    settings.MEDIA_ROOT = tmp_path
    beneficiary = BeneficiaryFactory()
    support_request = SupportRequestFactory(beneficiary=beneficiary)
    complaint = make_contact(
        purpose="complaint",
        actor=officer,
        beneficiary=beneficiary,
        support_request=support_request,
        subject="شكوى على موظف",
        body=SECRET,
        staff_subject=subject,
        attachments=[png_upload()],
    )
    correction = contact_services.contact_record(
        actor=officer,
        channel=channel("phone"),
        purpose="complaint",
        beneficiary=beneficiary,
        corrects=complaint,
        subject="تصحيح الشكوى",
        body=SECRET + " (تصحيح)",
        attachments=[png_upload("second.png")],
    )
    case = complaint.case
    services.case_answer(case=case, response=ANSWER, channel=channel("phone"), actor=officer)
    answer_entry = ContactEntry.objects.get(direction="out", body=ANSWER)
    # Neighbours the subject may see: another complaint on the same beneficiary and request.
    other = make_contact(
        purpose="complaint",
        actor=officer,
        beneficiary=beneficiary,
        support_request=support_request,
        subject="شكوى عامة",
        body="تأخر الصرف",
    )
    return {
        "beneficiary": beneficiary,
        "support_request": support_request,
        "complaint": complaint,
        "correction": correction,
        "answer": answer_entry,
        "case": case,
        "other": other,
        "attachments": list(ContactAttachment.objects.filter(contact__in=[complaint, correction])),
        "messages": list(OutgoingMessage.objects.filter(subject_kind="case", subject_id=case.pk)),
    }


def test_the_whole_thread_is_marked_and_the_selectors_hide_it(thread, subject, officer):
    marked = {thread["complaint"].pk, thread["correction"].pk, thread["answer"].pk}
    assert set(ContactEntry.objects.filter(staff_subject=subject).values_list("pk", flat=True)) == marked
    assert thread["messages"], "the answer's SMS is linked to the case"
    for model, hidden in (
        (ContactEntry, marked),
        (Case, {thread["case"].pk}),
        (ContactAttachment, {a.pk for a in thread["attachments"]}),
        (OutgoingMessage, {m.pk for m in thread["messages"]}),
    ):
        assert not hidden & set(model.objects.visible_to(subject).values_list("pk", flat=True)), model
        assert hidden <= set(model.objects.visible_to(officer).values_list("pk", flat=True)), model


def test_the_subject_meets_it_on_no_page(thread, subject, officer, client):
    beneficiary, complaint = thread["beneficiary"], thread["complaint"]
    client.force_login(subject)
    pages = {
        "beneficiary page": beneficiary.get_absolute_url(),
        "timeline": reverse("beneficiaries:timeline", args=[beneficiary.public_id]),
        "contact list": reverse("channels_log:list"),
        "complaints filter": reverse("channels_log:list") + "?purpose=complaint",
        "case list": reverse("channels_log:case_list"),
        "request page": thread["support_request"].get_absolute_url(),
    }
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, name
        html = response.content.decode()
        assert SECRET not in html and ANSWER not in html and thread["case"].reference not in html, name
    # The neighbouring complaint shows, so the pages were not simply empty.
    assert "شكوى عامة" in client.get(beneficiary.get_absolute_url()).content.decode()
    assert "شكوى عامة" in client.get(reverse("channels_log:list")).content.decode()

    hidden_urls = (
        [
            reverse("channels_log:contact_detail", args=[entry.pk])
            for entry in (complaint, thread["correction"], thread["answer"])
        ]
        + [
            thread["case"].get_absolute_url(),
            # The correction form pre-fills any entry it is given: not this one.
            f"{reverse('channels_log:new')}?corrects={complaint.pk}&beneficiary={beneficiary.public_id}",
            f"{reverse('channels_log:new')}?corrects={thread['correction'].pk}&beneficiary={beneficiary.public_id}",
        ]
        + [reverse("channels_log:attachment", args=[a.pk]) for a in thread["attachments"]]
    )
    for url in hidden_urls:
        assert client.get(url).status_code == 404, url
    assert not SensitiveAccess.objects.filter(user=subject).exists()

    # The same pages for a colleague show it all.
    client.force_login(officer)
    for url in hidden_urls:
        assert client.get(url).status_code == 200, url
    assert SECRET in client.get(beneficiary.get_absolute_url()).content.decode()


def test_the_subject_does_not_see_the_messages_about_it(thread, officer, client):
    """An officer complained about: the delivery log and its filters hide the answer's SMS."""
    beneficiary = thread["beneficiary"]
    complaint = make_contact(
        purpose="complaint",
        actor=UserFactory(role="relations_officer"),
        beneficiary=beneficiary,
        body="شكوى على موظف الاستقبال",
        staff_subject=officer,
    )
    services.case_answer(
        case=complaint.case,
        response="رد سري على الشكوى",
        channel=channel("phone"),
        actor=UserFactory(role="manager"),
    )
    message = OutgoingMessage.objects.get(subject_kind="case", subject_id=complaint.case.pk)
    other_message = thread["messages"][0]
    client.force_login(officer)
    for url in (reverse("channels_log:messages"), reverse("channels_log:messages") + "?event=complaint_answered"):
        listed = list(client.get(url).context["page"].object_list)
        # The other complaint's answer (not about this officer) still shows.
        assert message not in listed and other_message in listed, url
    for url in (beneficiary.get_absolute_url(), reverse("beneficiaries:timeline", args=[beneficiary.public_id])):
        html = client.get(url).content.decode()
        assert "رد سري على الشكوى" not in html and complaint.case.reference not in html, url
        assert ANSWER in html, url
    assert client.get(reverse("channels_log:message_detail", args=[message.pk])).status_code == 404
    assert client.post(reverse("channels_log:message_retry", args=[message.pk])).status_code in (403, 404)


def test_the_desk_does_not_list_a_complaint_about_the_officer_who_recorded_it(client, officer):
    beneficiary = BeneficiaryFactory()
    make_contact(purpose="complaint", actor=officer, beneficiary=beneficiary, body=SECRET, staff_subject=officer)
    make_contact(purpose="inquiry", actor=officer, beneficiary=beneficiary, subject="استفسار عادي")
    client.force_login(officer)
    recent = client.get(reverse("beneficiaries:desk")).context["recent_contacts"]
    assert [entry.subject for entry in recent] == ["استفسار عادي"]


def test_a_manager_complained_about_does_not_see_it_nor_get_its_escalation(manager, officer, client):
    other_manager = UserFactory(role="manager", email="boss2@example.org")
    manager.email = "boss@example.org"
    manager.save()
    case = make_case(kind="complaint", actor=officer, body=SECRET, staff_subject=manager)
    client.force_login(manager)
    assert client.get(case.get_absolute_url()).status_code == 404
    assert SECRET not in client.get(reverse("channels_log:list")).content.decode()
    Case.objects.filter(pk=case.pk).update(first_response_due=timezone.now() - dt.timedelta(hours=1))
    assert services.case_escalate(case_id=case.pk)
    told = set(OutgoingMessage.objects.filter(event="case_escalated").values_list("user_id", flat=True))
    assert told == {other_manager.pk}


def test_the_admin_applies_the_same_rule(thread, subject, superuser, client):
    # The admin lists go through the same selectors (a superuser complained about sees nothing there).
    client.force_login(superuser)
    assert client.get(reverse("admin:channels_log_contactentry_changelist")).status_code == 200
    Case.objects.filter(pk=thread["case"].pk).update(staff_subject=superuser)
    ContactEntry.objects.filter(staff_subject=subject).update(staff_subject=superuser)
    listed = set(client.get(reverse("admin:channels_log_contactentry_changelist")).context["cl"].result_list)
    assert thread["other"] in listed and not {thread["complaint"], thread["correction"], thread["answer"]} & listed
    assert client.get(reverse("admin:channels_log_case_change", args=[thread["case"].pk])).status_code in (302, 404)
    attachment = thread["attachments"][0]
    assert client.get(reverse("admin:channels_log_contactattachment_change", args=[attachment.pk])).status_code in (
        302,
        404,
    )


# --- Attachments are opened like documents ---


def test_opening_an_attachment_is_logged_and_not_cached(thread, officer, client):
    attachment = thread["attachments"][0]
    client.force_login(officer)
    response = client.get(reverse("channels_log:attachment", args=[attachment.pk]))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store" and response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    access = SensitiveAccess.objects.get()
    assert (access.user, access.beneficiary, access.field) == (officer, thread["beneficiary"], "contact_attachment")
    assert str(attachment.pk) in access.item


def test_an_attachment_from_an_unregistered_caller_is_logged_too(officer, client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    entry = make_contact(actor=officer, attachments=[png_upload()])
    client.force_login(officer)
    assert client.get(reverse("channels_log:attachment", args=[entry.attachments.get().pk])).status_code == 200
    access = SensitiveAccess.objects.get()
    assert access.beneficiary is None and access.field == "contact_attachment"


def test_without_the_sensitive_data_permission_an_attachment_is_refused_and_not_linked(thread, member, client):
    attachment = ContactAttachment.objects.filter(contact=thread["complaint"]).first()
    client.force_login(member)
    assert client.get(reverse("channels_log:attachment", args=[attachment.pk])).status_code == 403
    assert not SensitiveAccess.objects.exists()
    page = client.get(reverse("channels_log:contact_detail", args=[thread["complaint"].pk])).content.decode()
    assert reverse("channels_log:attachment", args=[attachment.pk]) not in page
    assert attachment.original_name in page


def test_the_reveal_endpoint_cannot_log_a_fake_attachment_access(officer, client):
    beneficiary = BeneficiaryFactory()
    client.force_login(officer)
    url = reverse("beneficiaries:reveal", args=[beneficiary.public_id, "contact_attachment"])
    assert client.post(url).status_code == 404
    assert not SensitiveAccess.objects.exists()


# --- Issue 11 item 15: the staff list shows names ---


def test_the_complaint_about_staff_choice_lists_names_not_usernames(officer):
    named = UserFactory(role="social_researcher", username="r.qahtani", first_name="ريم", last_name="القحطاني")
    bare = UserFactory(role="social_researcher", username="temp.user", first_name="", last_name="")
    choices = dict((str(value), label) for value, label in ContactForm().fields["staff_subject"].choices if value)
    assert choices[str(named.pk)] == "ريم القحطاني"
    assert choices[str(bare.pk)] == "temp.user"
    assert "r.qahtani" not in choices.values()
    assert Group.objects.filter(name="social_researcher").exists()


def test_a_researcher_opens_the_attachments_of_the_people_assigned_to_them_only(client, officer, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    assigned, other = UserFactory(role="social_researcher"), UserFactory(role="social_researcher")
    beneficiary = BeneficiaryFactory()
    SupportRequestFactory(beneficiary=beneficiary, researcher=assigned)
    entry = make_contact(actor=officer, beneficiary=beneficiary, attachments=[png_upload()])
    url = reverse("channels_log:attachment", args=[entry.attachments.get().pk])
    detail = reverse("channels_log:contact_detail", args=[entry.pk])

    client.force_login(other)
    assert client.get(url).status_code == 403
    assert url not in client.get(detail).content.decode()
    assert not SensitiveAccess.objects.exists()

    client.force_login(assigned)
    assert url in client.get(detail).content.decode()
    assert client.get(url).status_code == 200
    assert SensitiveAccess.objects.get().user == assigned
