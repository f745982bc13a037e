import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from beneficiaries.models import Consent
from channels_log.messaging.models import OutgoingMessage
from surveys import services
from surveys.models import AuditEntry, Invitation, Trigger
from tests.factories import BeneficiaryFactory, SupportRequestFactory

from .factories import consenting_beneficiary, enable_trigger, make_survey, open_invitation, riyadh

pytestmark = pytest.mark.django_db


def test_token_is_long_random_and_unique():
    tokens = {open_invitation().token for _ in range(5)}
    assert len(tokens) == 5
    assert all(len(token) >= 43 for token in tokens)  # 32 random bytes, URL-safe base64


def test_event_invitation_is_scheduled_after_the_delay_and_made_once():
    survey = make_survey()
    enable_trigger(Trigger.SERVICE_DELIVERED, survey, delay_days=3)
    request = SupportRequestFactory(beneficiary=consenting_beneficiary())
    with time_machine.travel(riyadh(2026, 11, 1, 10, 0), tick=False):
        invitation = services.invitation_for_event(
            trigger="service_delivered", beneficiary=request.beneficiary, support_request=request
        )
        again = services.invitation_for_event(
            trigger="service_delivered", beneficiary=request.beneficiary, support_request=request
        )
    assert again == invitation and Invitation.objects.count() == 1
    assert invitation.scheduled_for == riyadh(2026, 11, 4, 10, 0)
    assert invitation.expires_at == riyadh(2026, 11, 18, 10, 0)
    assert invitation.version == survey.published_version()
    assert (invitation.related_key, invitation.support_request) == (f"support_request:{request.pk}", request)
    assert AuditEntry.objects.filter(action="invitation_created", object_id=invitation.pk).exists()
    # Another trigger for the same request is another event.
    enable_trigger(Trigger.DECISION_MADE, survey, delay_days=0)
    other = services.invitation_for_event(
        trigger="decision_made", beneficiary=request.beneficiary, support_request=request
    )
    assert other is not None and other != invitation


def test_trigger_off_no_survey_or_no_consent_makes_nothing():
    survey = make_survey()
    request = SupportRequestFactory(beneficiary=consenting_beneficiary())
    kwargs = {"trigger": "decision_made", "beneficiary": request.beneficiary, "support_request": request}
    assert services.invitation_for_event(**kwargs) is None  # no rule at all
    enable_trigger(Trigger.DECISION_MADE, survey, enabled=False)
    assert services.invitation_for_event(**kwargs) is None
    enable_trigger(Trigger.DECISION_MADE, make_survey(publish=False))
    assert services.invitation_for_event(**kwargs) is None  # nothing published
    enable_trigger(Trigger.DECISION_MADE, survey)
    no_consent = SupportRequestFactory(beneficiary=BeneficiaryFactory())
    assert (
        services.invitation_for_event(
            trigger="decision_made", beneficiary=no_consent.beneficiary, support_request=no_consent
        )
        is None
    )
    assert not Invitation.objects.exists()


def test_complaint_closed_is_keyed_by_the_case():
    from association.channels import Channel
    from channels_log.cases.models import Case
    from channels_log.contacts.models import ContactEntry
    from channels_log.contacts.services import contact_record

    survey = make_survey()
    enable_trigger(Trigger.COMPLAINT_CLOSED, survey, delay_days=0)
    beneficiary = consenting_beneficiary()
    contact = contact_record(
        actor=None,
        channel=Channel.objects.get(code="phone"),
        purpose=ContactEntry.Purpose.COMPLAINT,
        beneficiary=beneficiary,
        subject="شكوى",
        body="تأخر",
    )
    case = Case.objects.get(contact=contact)  # an incoming complaint opens its case
    invitation = services.invitation_for_event(trigger="complaint_closed", beneficiary=beneficiary, case=case)
    assert invitation.related_key == f"case:{case.pk}" and invitation.support_request is None
    assert services.invitation_for_event(trigger="complaint_closed", beneficiary=beneficiary, case=case) == invitation


def test_sweep_sends_due_invitations_and_one_reminder_never_twice():
    survey = make_survey()
    enable_trigger(Trigger.SERVICE_DELIVERED, survey, delay_days=2)
    request = SupportRequestFactory(beneficiary=consenting_beneficiary())
    with time_machine.travel(riyadh(2026, 11, 1, 10, 0), tick=False):
        invitation = services.invitation_for_event(
            trigger="service_delivered", beneficiary=request.beneficiary, support_request=request
        )
    with time_machine.travel(riyadh(2026, 11, 3, 9, 59), tick=False):
        assert services.invitation_sweep() == {"sent": 0, "reminded": 0}  # not yet due
    with time_machine.travel(riyadh(2026, 11, 3, 10, 0), tick=False):
        assert services.invitation_sweep() == {"sent": 1, "reminded": 0}
        assert services.invitation_sweep() == {"sent": 0, "reminded": 0}  # a rerun sends nothing
    invitation.refresh_from_db()
    assert invitation.sent_at == riyadh(2026, 11, 3, 10, 0)
    sent = OutgoingMessage.objects.filter(group_key=f"survey_invitation:{invitation.pk}")
    assert sent.exists() and invitation.token in sent.first().body
    # The reminder: 3 days after sending (default), once.
    with time_machine.travel(riyadh(2026, 11, 6, 9, 59), tick=False):
        assert services.invitation_sweep()["reminded"] == 0
    with time_machine.travel(riyadh(2026, 11, 6, 10, 0), tick=False):
        assert services.invitation_sweep()["reminded"] == 1
    with time_machine.travel(riyadh(2026, 11, 9, 10, 0), tick=False):
        assert services.invitation_sweep()["reminded"] == 0
    invitation.refresh_from_db()
    assert invitation.reminded_at == riyadh(2026, 11, 6, 10, 0)
    assert OutgoingMessage.objects.filter(group_key=f"survey_reminder:{invitation.pk}").count() >= 1
    assert AuditEntry.objects.filter(action="invitation_reminded", object_id=invitation.pk).count() == 1


def test_no_reminder_after_an_answer_or_after_expiry():
    survey = make_survey()
    enable_trigger(Trigger.SERVICE_DELIVERED, survey, delay_days=0)
    answered, expired = (SupportRequestFactory(beneficiary=consenting_beneficiary()) for _ in range(2))
    with time_machine.travel(riyadh(2026, 11, 1, 10, 0), tick=False):
        first = services.invitation_for_event(
            trigger="service_delivered", beneficiary=answered.beneficiary, support_request=answered
        )
        second = services.invitation_for_event(
            trigger="service_delivered", beneficiary=expired.beneficiary, support_request=expired
        )
        assert services.invitation_sweep()["sent"] == 2
    from .factories import answers_for

    with time_machine.travel(riyadh(2026, 11, 2, 10, 0), tick=False):
        services.response_submit(token=first.token, answers=answers_for(first.version))
    Invitation.objects.filter(pk=second.pk).update(expires_at=riyadh(2026, 11, 3, 0, 0))
    with time_machine.travel(riyadh(2026, 11, 5, 10, 0), tick=False):
        assert services.invitation_sweep() == {"sent": 0, "reminded": 0}


def test_in_person_invitations_are_never_messaged():
    invitation = open_invitation()
    assert invitation.send_channel == "in_person"
    assert services.invitation_sweep() == {"sent": 0, "reminded": 0}
    assert not OutgoingMessage.objects.filter(group_key__startswith="survey_").exists()


def test_batch_invites_only_consenting_beneficiaries(client_for, officer):
    survey = make_survey()
    consenting = consenting_beneficiary(city="الخرج")
    withdrawn = consenting_beneficiary(city="الخرج")
    Consent.objects.filter(beneficiary=withdrawn).update(withdrawn_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    BeneficiaryFactory(city="الخرج")
    consenting_beneficiary(city="الرياض")
    response = client_for(officer).post(
        reverse("surveys:invitation_batch"),
        {"survey": survey.pk, "send_channel": "sms", "city": "الخرج", "limit": "١٠"},
    )
    assert response.status_code == 302
    assert list(Invitation.objects.values_list("beneficiary", flat=True)) == [consenting.pk]
    assert Invitation.objects.get().trigger == Trigger.BATCH


def test_in_person_view_makes_a_printable_qr(client_for, officer):
    survey = make_survey()
    request = SupportRequestFactory(beneficiary=consenting_beneficiary())
    request.number = "R-2026-0001"
    request.save()
    client = client_for(officer)
    response = client.post(
        reverse("surveys:invitation_in_person"), {"survey": survey.pk, "request_number": "R-2026-0001"}
    )
    invitation = Invitation.objects.get()
    assert response["Location"] == reverse("surveys:invitation_print", args=[invitation.pk])
    assert invitation.support_request == request and invitation.beneficiary == request.beneficiary
    page = client.get(response["Location"])
    assert reverse("surveys:invitation_qr", args=[invitation.pk]) in page.content.decode()
    svg = client.get(reverse("surveys:invitation_qr", args=[invitation.pk]))
    assert svg["Content-Type"] == "image/svg+xml" and svg.content.startswith(b"<svg")
    bad = client.post(reverse("surveys:invitation_in_person"), {"survey": survey.pk, "request_number": "nope"})
    assert bad.status_code == 200 and bad.context["form"].errors["request_number"]
    assert Invitation.objects.count() == 1


def test_invitation_list_query_count_does_not_grow(client_for, manager):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    survey = make_survey()
    client = client_for(manager)

    def count():
        client.get(reverse("surveys:invitations"))  # warm: the cached reads (kernel.memo) a change of rows retires
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("surveys:invitations")).status_code == 200
        return len(ctx.captured_queries)

    for _ in range(5):
        open_invitation(survey)
    five = count()
    for _ in range(45):
        open_invitation(survey)
    assert count() == five
