"""The outbox knows no other app: producers register their events (label, whether they may be declined, the
consent that stops them, what a message is about, the default wording) and the kinds of record messages are
about; the messages pages link each message to its record through the producer's description."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from beneficiaries.models import Consent
from channels_log.cases import services as case_services
from channels_log.cases.models import Case
from channels_log.messaging import registry
from channels_log.messaging.models import DeliveryLogEntry, MessagePreference, MessageTemplate, OutgoingMessage
from channels_log.messaging.services import message_queue, message_retry, message_templates_ensure
from requests_app.models import SupportRequest
from tests.channels_log.factories import channel, make_case
from tests.factories import BeneficiaryFactory, SupportRequestFactory, UserFactory

pytestmark = pytest.mark.django_db

# The events the portal's apps register today, by producer (stated, not computed from the registry).
REGISTERED = {
    # requests_app
    "request_received": (True, "", "support_request"),
    "request_incomplete": (True, "", "support_request"),
    "decision_made": (True, "", "support_request"),
    "decision_window_open": (False, "", "support_request"),
    "request_overdue": (True, "", "support_request"),
    "escalated": (True, "", "support_request"),
    # surveys
    "survey_invitation": (False, "surveys", "support_request"),
    # channels_log.cases
    "complaint_answered": (True, "", "case"),
    "case_escalated": (True, "", "case"),
    # programs
    "program_received": (True, "", "program"),
    "program_step": (True, "", "program"),
    "program_approved": (True, "", "program"),
    "program_rejected": (True, "", "program"),
    "volunteer_approved": (True, "", "program"),
    "program_attendance_link": (True, "", "program"),
    "program_permit_expiring": (True, "", "program"),
    # selfservice
    "my_sign_in_code": (True, "", ""),
    "my_request_received_online": (True, "", "support_request"),
    "my_update": (False, "", ""),
}


@pytest.fixture
def producer():
    """An app registered later (an OTP, a program): its event and kind of record, unregistered afterwards."""
    event = registry.message_event_register(
        "code_sent",
        "Code sent",
        essential=False,
        consent_purpose="data_sharing",
        subject_kind="login",
        texts={"ar": ("رمز الدخول", "رمز الدخول {{ code }}"), "en": ("Sign-in code", "Your code is {{ code }}")},
        sample={"code": "123456"},
    )
    registry.message_subject_register(
        "login", label="Sign-in", describe=lambda ids: {pk: (f"login #{pk}", f"/logins/{pk}/") for pk in ids}
    )
    yield event
    registry.message_event_unregister("code_sent")
    registry.message_subject_unregister("login")


def test_the_outbox_links_to_nothing_above_it():
    """Its foreign keys point down only (the person, the staff user); what a message is about is a kind + id."""
    targets = {
        field.related_model._meta.label
        for model in (OutgoingMessage, MessageTemplate, DeliveryLogEntry, MessagePreference)
        for field in model._meta.concrete_fields
        if field.is_relation
    }
    assert targets == {"beneficiaries.Beneficiary", get_user_model()._meta.label, "channels_log.OutgoingMessage"}


def test_the_apps_register_exactly_these_events():
    assert {
        event.code: (event.essential, event.consent_purpose, event.subject_kind) for event in registry.message_events()
    } == REGISTERED


def test_the_shipped_wording_is_the_registered_default():
    """The rows migrations shipped (0006, reworded by 0009) are what each producer now registers: a database
    created today and one migrated years ago start from the same wording."""
    for event in registry.message_events():
        for channel_code, language, subject, body in event.default_templates():
            row = MessageTemplate.objects.get(event=event.code, channel=channel_code, language=language)
            assert (row.subject, row.body) == (subject, body), (event.code, channel_code, language)


def test_an_unknown_event_is_refused():
    with pytest.raises(ValueError, match="Unknown message event"):
        message_queue(event="no_such_event", key="k", beneficiary=BeneficiaryFactory())


def test_a_producer_registered_later_gets_its_templates_and_edits_are_kept(producer):
    assert message_templates_ensure() == 4
    assert message_templates_ensure() == 0
    template = MessageTemplate.objects.get(event="code_sent", channel="sms", language="ar")
    assert template.body == '{{ association_name|default:"الجمعية" }}: رمز الدخول {{ code }}'
    template.body = "رمزك: {{ code }}"
    template.save()
    MessageTemplate.objects.filter(event="code_sent", channel="email", language="en").delete()
    assert message_templates_ensure() == 1
    assert MessageTemplate.objects.get(pk=template.pk).body == "رمزك: {{ code }}"
    sharing = BeneficiaryFactory()
    Consent.objects.create(beneficiary=sharing, purpose="data_sharing", given_at=timezone.now())
    [message] = message_queue(
        event="code_sent", key="otp:1", beneficiary=sharing, subject_id=41, context={"code": "905"}
    )
    assert (message.body, message.subject_kind, message.subject_id, message.essential) == (
        "رمزك: 905",
        "login",
        41,
        False,
    )
    assert str(message.get_event_display()) == "Code sent"


def test_the_registered_consent_stops_a_non_essential_message(producer):
    message_templates_ensure()
    surveys_withdrawn, sharing_withdrawn = BeneficiaryFactory(), BeneficiaryFactory()
    now = timezone.now()
    Consent.objects.create(beneficiary=surveys_withdrawn, purpose="surveys", given_at=now, withdrawn_at=now)
    # The event's purpose is an opt-in: given (and not withdrawn) for the one who gets it.
    Consent.objects.create(beneficiary=surveys_withdrawn, purpose="data_sharing", given_at=now)
    Consent.objects.create(beneficiary=sharing_withdrawn, purpose="data_sharing", given_at=now, withdrawn_at=now)
    [sent] = message_queue(event="code_sent", key="otp:2", beneficiary=surveys_withdrawn, context={"code": "1"})
    [stopped] = message_queue(event="code_sent", key="otp:3", beneficiary=sharing_withdrawn, context={"code": "1"})
    assert sent.status == "queued"
    assert (stopped.status, stopped.last_error) == ("skipped", "consent withdrawn")
    # An essential message still goes.
    [decision] = message_queue(event="decision_made", key="d:2", beneficiary=sharing_withdrawn)
    assert decision.status == "queued"


def test_the_subject_comes_from_the_context_entry_named_after_the_kind_or_is_given():
    beneficiary = BeneficiaryFactory()
    request = SupportRequestFactory(beneficiary=beneficiary)
    [by_context] = message_queue(
        event="decision_made", key="a", beneficiary=beneficiary, context={"support_request": request}
    )
    [given] = message_queue(event="decision_made", key="b", beneficiary=beneficiary, subject_id=request.pk)
    [none] = message_queue(event="decision_made", key="c", beneficiary=beneficiary, context={"support_request": None})
    [other] = message_queue(event="decision_made", key="d", beneficiary=beneficiary, subject_kind="case", subject_id=7)
    assert {(m.subject_kind, m.subject_id) for m in (by_context, given)} == {("support_request", request.pk)}
    assert (none.subject_kind, none.subject_id) == ("", None)
    assert (other.subject_kind, other.subject_id) == ("case", 7)


def _messages_about_requests_and_cases(n, officer):
    for i in range(n):
        beneficiary = BeneficiaryFactory()
        request = SupportRequestFactory(beneficiary=beneficiary)
        message_queue(event="request_received", key=f"r{n}-{i}", beneficiary=beneficiary, subject_id=request.pk)
        case = make_case(kind="complaint", actor=officer, beneficiary=beneficiary)
        case_services.case_answer(case=case, response="تم", channel=channel("phone"), actor=officer)


def test_the_messages_list_links_each_message_to_what_it_is_about_in_a_fixed_number_of_queries(
    client_for, officer, manager
):
    _messages_about_requests_and_cases(1, officer)
    client = client_for(manager)
    client.get(reverse("channels_log:messages"))  # warm: the cached reads (kernel.memo) a change of rows retires
    with CaptureQueriesContext(connection) as few:
        html = client.get(reverse("channels_log:messages")).content.decode()
    about_request = OutgoingMessage.objects.get(event="request_received")
    about_case = OutgoingMessage.objects.get(event="complaint_answered")
    support_request = SupportRequest.objects.get(pk=about_request.subject_id)
    case = Case.objects.get(pk=about_case.subject_id)
    assert f'<a href="{support_request.get_absolute_url()}">{support_request}</a>' in html
    assert f'<a href="{case.get_absolute_url()}">{case.reference}</a>' in html

    _messages_about_requests_and_cases(6, officer)
    client.get(reverse("channels_log:messages"))  # warm: the cached reads (kernel.memo) a change of rows retires
    with CaptureQueriesContext(connection) as many:
        assert client.get(reverse("channels_log:messages")).status_code == 200
    assert len(many) == len(few)

    detail = client.get(reverse("channels_log:message_detail", args=[about_case.pk])).content.decode()
    assert 'id="message-subject"' in detail and case.get_absolute_url() in detail


def test_a_message_about_a_record_gone_or_of_a_kind_nobody_registers_shows_no_link(client_for, manager):
    beneficiary = BeneficiaryFactory()
    [gone] = message_queue(event="decision_made", key="gone", beneficiary=beneficiary, subject_id=987654)
    [unknown] = message_queue(
        event="decision_made", key="unknown", beneficiary=beneficiary, subject_kind="retired_app", subject_id=1
    )
    for message in (gone, unknown):
        page = client_for(manager).get(reverse("channels_log:message_detail", args=[message.pk]))
        assert page.status_code == 200 and 'id="message-subject"' not in page.content.decode()


def test_the_complaint_subject_never_sees_the_messages_about_it(client_for, officer, researcher, manager):
    beneficiary = BeneficiaryFactory()
    case = make_case(kind="complaint", actor=officer, beneficiary=beneficiary, staff_subject=researcher)
    case_services.case_answer(case=case, response="اعتذرنا", channel=channel("phone"), actor=officer)
    message = OutgoingMessage.objects.get(event="complaint_answered")
    assert message.staff_subject == researcher
    assert not OutgoingMessage.objects.visible_to(researcher).filter(pk=message.pk).exists()
    assert OutgoingMessage.objects.visible_to(manager).filter(pk=message.pk).exists()


def test_retrying_needs_the_permission(officer, manager):
    [message] = message_queue(event="decision_made", key="retry", beneficiary=BeneficiaryFactory())
    OutgoingMessage.objects.filter(pk=message.pk).update(status="failed")
    with pytest.raises(PermissionDenied):
        message_retry(message=message, actor=officer)
    assert message_retry(message=message, actor=manager).status == "queued"
    with pytest.raises(PermissionDenied):
        message_retry(message=message, actor=UserFactory(is_active=False))


def test_the_template_editor_offers_the_registered_events(client_for, superuser, producer):
    page = client_for(superuser).get(reverse("admin:channels_log_messagetemplate_add"))
    form = page.context["adminform"].form
    codes = [code for code, _label in form.fields["event"].choices]
    assert set(REGISTERED) | {"code_sent"} == set(codes)
    listing = client_for(superuser).get(reverse("admin:channels_log_messagetemplate_changelist") + "?event=code_sent")
    assert listing.status_code == 200
