"""Public cases go to a duty officer; the sender who gave a mobile is told by SMS when the case is answered
(through the outgoing-messages engine, once per answer, never when they asked not to be)."""

import json
import logging

import pytest
from django.core.cache import cache
from django.test import Client, TestCase
from django.urls import reverse

from channels_log.cases import services
from channels_log.cases.models import Case, CaseEvent
from channels_log.messaging.models import OutgoingMessage
from channels_log.messaging.services import message_deliver
from surveys import services as survey_services
from tests.channels_log.factories import channel, make_case
from tests.factories import UserFactory
from tests.surveys.factories import answers_for, open_invitation

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_throttle():
    cache.clear()
    yield
    cache.clear()


def send_public(sms_updates=True, **overrides) -> Case:
    data = {
        "kind": "complaint",
        "name": "منى خالد",
        "mobile": "٠٥٥ ٩٨٧ ٦٥٤٣",
        "subject": "تأخر الرد على طلبي",
        "body": "قدمت الطلب قبل شهر.",
        "website": "",
        **overrides,
    }
    if sms_updates:
        data["sms_updates"] = "on"
    response = Client().post(reverse("channels_log:public_contact"), data)
    assert response.status_code == 302, response.content.decode()[:1500]
    return Case.objects.select_related("assignee").get(contact__subject=data["subject"])


# --- Routing ---


def test_the_named_duty_officer_gets_every_public_case(settings):
    duty = UserFactory(role="relations_officer", username="duty.desk")
    UserFactory(role="relations_officer")  # a less busy colleague is not chosen over the named one
    settings.PUBLIC_CASES_DUTY_OFFICER = "duty.desk"
    first, second = send_public(subject="أولى"), send_public(subject="ثانية", kind="inquiry")
    assert first.assignee == duty and second.assignee == duty
    event = first.events.get(action=CaseEvent.Action.ASSIGNED)
    assert event.actor is None and event.note == "مستخدم " + duty.last_name


def test_without_a_duty_officer_the_least_busy_relations_officer_gets_it(settings):
    settings.PUBLIC_CASES_DUTY_OFFICER = ""
    busy, free = UserFactory(role="relations_officer"), UserFactory(role="relations_officer")
    UserFactory(role="manager")
    make_case(kind="inquiry", actor=busy)  # opened by staff: not routed
    services.case_start(case=Case.objects.get(), actor=busy)  # busy now holds one open case
    assert send_public().assignee == free
    # Now both hold one: the longest-standing account on a tie.
    assert send_public(subject="ثانية").assignee == busy


def test_a_duty_officer_who_cannot_handle_cases_falls_back_and_is_logged(settings, caplog):
    UserFactory(role="committee_member", username="not.a.handler")
    officer = UserFactory(role="relations_officer")
    settings.PUBLIC_CASES_DUTY_OFFICER = "not.a.handler"
    with caplog.at_level(logging.WARNING, logger="channels_log.cases.services"):
        case = send_public()
    assert case.assignee == officer
    assert "not.a.handler" in caplog.text
    settings.PUBLIC_CASES_DUTY_OFFICER = "nobody.by.that.name"
    assert send_public(subject="ثانية").assignee == officer


def test_with_no_relations_officer_the_case_waits_unassigned_for_everyone(settings, manager):
    settings.PUBLIC_CASES_DUTY_OFFICER = ""
    case = send_public()
    assert case.assignee is None and not case.events.filter(action="assigned").exists()


def test_survey_follow_ups_are_routed_too(settings):
    duty = UserFactory(role="relations_officer", username="duty.desk")
    settings.PUBLIC_CASES_DUTY_OFFICER = "duty.desk"
    invitation = open_invitation()
    with TestCase.captureOnCommitCallbacks(execute=True):  # the follow-up is the commit's reaction
        response = survey_services.response_submit(
            token=invitation.token, answers=answers_for(invitation.version, rating=1)
        )
    response.refresh_from_db()
    assert Case.objects.get(contact=response.follow_up).assignee == duty


def test_staff_opened_cases_are_not_rerouted(settings, officer):
    UserFactory(role="relations_officer", username="duty.desk")
    settings.PUBLIC_CASES_DUTY_OFFICER = "duty.desk"
    assert make_case(kind="complaint", actor=officer).assignee is None


# --- The SMS when answered ---


def test_the_sender_gets_one_sms_per_answer_with_the_status_link(settings, tmp_path, officer):
    settings.SMS_BACKEND = "file"
    settings.SMS_FILE_PATH = str(tmp_path / "outbox.jsonl")
    case = send_public()
    assert case.sms_updates and case.mobile == "+966559876543"
    assert not OutgoingMessage.objects.exists()

    services.case_answer(case=case, response="راجعنا طلبك وسيعرض على اللجنة.", channel=channel("phone"), actor=officer)
    [message] = OutgoingMessage.objects.all()
    assert (message.event, message.channel, message.recipient, message.subject_kind, message.subject_id) == (
        "complaint_answered",
        "sms",
        "+966559876543",
        "case",
        case.pk,
    )
    assert message.beneficiary is None and message.user is None and message.status == "queued"
    assert case.reference in message.body
    assert settings.SITE_URL.rstrip("/") + reverse("channels_log:public_status") in message.body
    # The answer itself is read on the status page, after the reference and the same mobile.
    assert "راجعنا طلبك" not in message.body

    # Delivered by the engine (the worker's own call), once.
    assert message_deliver(message_id=message.pk) is None
    assert message_deliver(message_id=message.pk) is None
    message.refresh_from_db()
    assert message.status == "sent"
    lines = [json.loads(line) for line in (tmp_path / "outbox.jsonl").read_text().splitlines()]
    assert len(lines) == 1 and case.reference in json.dumps(lines[0], ensure_ascii=False)

    # Telling again about the same answer queues nothing; a second answer (after reopening) is a new SMS.
    services._notify_answer(Case.objects.get(pk=case.pk), 1)
    assert OutgoingMessage.objects.count() == 1
    services.case_reopen(case=case, actor=officer, reason="طلب المرسل توضيحًا")
    services.case_answer(case=case, response="التوضيح: الموعد الأحد.", channel=channel("phone"), actor=officer)
    assert OutgoingMessage.objects.filter(subject_kind="case", subject_id=case.pk).count() == 2
    assert sorted(OutgoingMessage.objects.values_list("group_key", flat=True)) == [
        f"case_answered:{case.pk}:1",
        f"case_answered:{case.pk}:2",
    ]


def test_a_sender_who_switched_sms_off_is_not_told(officer):
    case = send_public(sms_updates=False)
    assert not case.sms_updates
    services.case_answer(case=case, response="تم الرد.", channel=channel("phone"), actor=officer)
    assert not OutgoingMessage.objects.exists()


def test_the_public_form_offers_the_sms_choice_switched_on(client):
    page = client.get(reverse("channels_log:public_contact"))
    field = page.context["form"].fields["sms_updates"]
    assert field.initial is True and not field.required
    assert 'name="sms_updates"' in page.content.decode()
