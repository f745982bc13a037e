"""message_queue: one row per channel, idempotent per key, preferences and opt-out respected."""

import pytest
from django.db import transaction
from django.utils import timezone

from beneficiaries.models import Consent
from channels_log.messaging.models import DeliveryLogEntry, MessagePreference, MessageTemplate, OutgoingMessage
from channels_log.messaging.services import message_queue
from tests.factories import BeneficiaryFactory, SupportRequestFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_default_templates_exist_for_every_event_channel_and_language():
    from channels_log.messaging.registry import message_events

    assert MessageTemplate.objects.count() == len(message_events()) * 2 * 2


def test_sms_to_the_mobile_rendered_in_arabic_with_the_context():
    beneficiary = BeneficiaryFactory(mobile="+966551234567")
    request = SupportRequestFactory(beneficiary=beneficiary)
    [message] = message_queue(
        event="request_received",
        key="req-1-received",
        beneficiary=beneficiary,
        context={"reference": "R-0001", "service": "سلة غذائية", "support_request": request},
    )
    assert message.channel == "sms" and message.recipient == "+966551234567"
    assert message.status == OutgoingMessage.Status.QUEUED
    assert message.key == "req-1-received:sms" and message.language == "ar"
    assert "استلمنا طلبك R-0001 (سلة غذائية)" in message.body
    assert (message.subject_kind, message.subject_id) == ("support_request", request.pk)
    assert DeliveryLogEntry.objects.filter(message=message, status="queued").count() == 1


def test_second_call_with_the_same_key_creates_nothing():
    beneficiary = BeneficiaryFactory()
    first = message_queue(event="decision_made", key="k-decision", beneficiary=beneficiary, context={})
    second = message_queue(event="decision_made", key="k-decision", beneficiary=beneficiary, context={})
    assert [m.pk for m in first] == [m.pk for m in second]
    assert OutgoingMessage.objects.count() == 1


def test_email_too_when_the_beneficiary_gave_one_and_english_when_preferred():
    beneficiary = BeneficiaryFactory()
    MessagePreference.objects.create(beneficiary=beneficiary, email="a@example.org", language="en")
    messages = message_queue(
        event="request_incomplete",
        key="k-inc",
        beneficiary=beneficiary,
        context={"reference": "R-9", "missing": "lease"},
    )
    assert sorted(m.channel for m in messages) == ["email", "sms"]
    email = next(m for m in messages if m.channel == "email")
    assert email.recipient == "a@example.org"
    assert email.subject == "Your request R-9 is incomplete"
    assert "missing: lease" in email.body


def test_opt_out_skips_surveys_but_never_decisions():
    beneficiary = BeneficiaryFactory()
    MessagePreference.objects.create(beneficiary=beneficiary, opt_out_non_essential=True, sms_enabled=False)
    [survey] = message_queue(
        event="survey_invitation", key="k-survey", beneficiary=beneficiary, context={"url": "https://x/s/1"}
    )
    assert survey.status == OutgoingMessage.Status.SKIPPED
    assert "opted out" in survey.last_error
    # Every channel switched off, yet a decision still reaches the registered mobile.
    [decision] = message_queue(event="decision_made", key="k-dec", beneficiary=beneficiary, context={})
    assert decision.status == OutgoingMessage.Status.QUEUED and decision.recipient == beneficiary.mobile


def test_withdrawn_survey_consent_skips_the_invitation():
    beneficiary = BeneficiaryFactory()
    Consent.objects.create(
        beneficiary=beneficiary, purpose="surveys", given_at=timezone.now(), withdrawn_at=timezone.now()
    )
    [survey] = message_queue(event="survey_invitation", key="k-s2", beneficiary=beneficiary, context={})
    assert survey.status == OutgoingMessage.Status.SKIPPED and survey.last_error == "consent withdrawn"


def test_staff_user_gets_an_email_or_a_skipped_row_without_address():
    chair = UserFactory(email="chair@example.org")
    [message] = message_queue(event="decision_window_open", key="k-win", user=chair, context={"reference": "R-5"})
    assert message.channel == "email" and message.recipient == "chair@example.org"
    assert "R-5" in message.subject
    nobody = UserFactory(email="")
    [skipped] = message_queue(event="escalated", key="k-esc", user=nobody, context={})
    assert skipped.status == OutgoingMessage.Status.SKIPPED


def test_unknown_event_or_missing_recipient_is_a_programming_error():
    with pytest.raises(ValueError):
        message_queue(event="nope", key="x", beneficiary=BeneficiaryFactory())
    with pytest.raises(ValueError):
        message_queue(event="decision_made", key="x")


def test_sending_is_queued_only_on_commit(django_capture_on_commit_callbacks):
    beneficiary = BeneficiaryFactory()
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        message_queue(event="decision_made", key="k-commit", beneficiary=beneficiary, context={})
    assert len(callbacks) == 1


def test_lazy_labels_in_the_context_speak_the_message_language():
    """A staff member working in English queues an Arabic message: the label is rendered in Arabic."""
    from django.utils import translation
    from django.utils.translation import gettext_lazy

    with translation.override("en"):
        [message] = message_queue(
            event="decision_made",
            key="k-lazy",
            beneficiary=BeneficiaryFactory(),
            context={"outcome": gettext_lazy("English")},
        )
    assert message.language == "ar" and "قررت لجنة البحث الإنجليزية." in message.body


def test_a_survey_reminder_says_so():
    person = BeneficiaryFactory()
    # A survey message needs the consent to surveys given (an opt-in).
    Consent.objects.create(beneficiary=person, purpose="surveys", given_at=timezone.now())
    [message] = message_queue(
        event="survey_invitation",
        key="k-rem",
        beneficiary=person,
        context={"url": "https://x/s/1", "reminder": True},
    )
    assert "تذكير: " in message.body and message.body.endswith("https://x/s/1")
