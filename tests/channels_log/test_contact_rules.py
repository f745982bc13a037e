"""Recording a contact: the service authorizes its actor (the portal itself records public messages and
follow-ups) and checks the entry as the model states it (``full_clean``) before anything is saved."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from channels_log.cases.models import Case
from channels_log.contacts import services
from channels_log.contacts.models import ContactEntry
from tests.channels_log.factories import channel
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _record(actor, **kwargs):
    data = {"channel": channel("phone"), "purpose": "complaint", "contact_name": "سارة", "subject": "شكوى"}
    return services.contact_record(actor=actor, **{**data, **kwargs})


@pytest.mark.parametrize("role", ["committee_member", "committee_chair", "manager"])
def test_who_may_not_record_contacts_is_refused_and_nothing_is_saved(role):
    with pytest.raises(PermissionDenied):
        _record(UserFactory(role=role))
    assert not ContactEntry.objects.exists() and not Case.objects.exists()


def test_an_inactive_officer_is_refused():
    with pytest.raises(PermissionDenied):
        _record(UserFactory(role="relations_officer", is_active=False))


def test_the_model_rules_hold_whoever_calls(officer):
    with pytest.raises(ValidationError) as refused:
        _record(officer, subject="ش" * 201)
    assert "subject" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        _record(None, purpose="not_a_purpose")
    assert "purpose" in refused.value.message_dict
    assert not ContactEntry.objects.exists() and not Case.objects.exists()
    assert _record(officer).case.kind == "complaint"


@pytest.mark.parametrize("mobile", ["0551234567", "+966 55 123 4567", "٠٥٥١٢٣٤٥٦٧", "+96655123456", "12345"])
def test_a_mobile_not_in_its_one_written_form_is_refused_next_to_its_field(officer, mobile):
    """Pages normalise what people type (MobileField); a service called with raw data is refused, not stored."""
    with pytest.raises(ValidationError) as refused:
        _record(officer, contact_mobile=mobile)
    assert "contact_mobile" in refused.value.message_dict
    assert not ContactEntry.objects.exists()
    assert _record(officer, contact_mobile="+966551234567").case.mobile == "+966551234567"
