"""The public form offers only what the public may send, and keeps working — like survey follow-ups —
whatever channels the approved policy lists; staff still choose only among the policy's channels."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.test import TestCase
from django.urls import reverse

from association.channels import Channel
from association.policy import services as association_services
from channels_log.cases import services
from channels_log.cases.models import Case
from channels_log.contacts import services as contact_services
from channels_log.contacts.forms import ContactForm
from channels_log.contacts.models import ContactEntry
from surveys import services as survey_services
from tests.association.factories import PolicyVersionFactory
from tests.channels_log.factories import make_case
from tests.surveys.factories import answers_for, open_invitation

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_throttle():
    cache.clear()
    yield
    cache.clear()


def form_data(**overrides):
    return {
        "kind": "inquiry",
        "name": "خالد عمر",
        "mobile": "0561234567",
        "subject": "مواعيد الاستقبال",
        "body": "متى تستقبلون المراجعين؟",
        "website": "",
        **overrides,
    }


# --- Item 2: the public kinds ---


def test_the_form_offers_inquiry_complaint_and_suggestion_only(client):
    page = client.get(reverse("channels_log:public_contact"))
    offered = [value for value, _label in page.context["form"].fields["kind"].choices]
    assert offered == ["inquiry", "complaint", "suggestion"]
    html = page.content.decode()
    assert 'value="follow_up"' not in html and 'value="complaint"' in html


@pytest.mark.parametrize("forged", ["follow_up", "note", "thanks", "", "complaint\x00", "ش" * 300])
def test_a_forged_kind_is_a_field_error_and_the_message_is_kept(client, forged):
    response = client.post(reverse("channels_log:public_contact"), form_data(kind=forged))
    assert response.status_code == 400
    assert "kind" in response.context["form"].errors
    html = response.content.decode()
    # What the sender typed is still there to send again.
    assert "خالد عمر" in html and "متى تستقبلون المراجعين؟" in html
    assert not ContactEntry.objects.exists() and not Case.objects.exists()


def test_the_service_refuses_a_follow_up_from_the_public():
    with pytest.raises(ValidationError) as error:
        services.case_submit_public(kind="follow_up", name="س", mobile="+966561234567", subject="س", body="س")
    assert "kind" in error.value.message_dict
    assert not ContactEntry.objects.exists()


# --- Item 3: whatever the approved policy's channels ---


def approve_policy_without_website(manager):
    version = PolicyVersionFactory(channels=["interview", "phone"])
    association_services.policy_approve(
        version=version,
        actor=manager,
        board_meeting=3,
        approval_date=dt.date(2025, 2, 1),
        signatory_name="أ. سعد بن علي",
        signatory_title="رئيس مجلس الإدارة",
    )
    website = Channel.objects.get(code="website")
    assert not website.is_active
    return website


def test_public_form_keeps_working_when_the_policy_omits_the_website(client, manager):
    approve_policy_without_website(manager)
    assert client.get(reverse("channels_log:public_contact")).status_code == 200
    response = client.post(reverse("channels_log:public_contact"), form_data(kind="complaint"))
    assert response.status_code == 302
    case = Case.objects.select_related("contact__channel").get()
    assert case.kind == "complaint" and case.contact.channel.code == "website"
    assert case.reference in client.get(response["Location"]).content.decode()


def test_low_score_follow_ups_keep_opening_when_the_policy_omits_the_website(manager):
    approve_policy_without_website(manager)
    invitation = open_invitation()
    with TestCase.captureOnCommitCallbacks(execute=True):  # the follow-up is the commit's reaction
        response = survey_services.response_submit(
            token=invitation.token, answers=answers_for(invitation.version, rating=1, score=1)
        )
    response.refresh_from_db()
    assert response.follow_up is not None
    case = Case.objects.get(contact=response.follow_up)
    assert case.kind == Case.Kind.FOLLOW_UP and response.follow_up.channel.code == "website"


def test_staff_still_choose_only_the_policy_channels(manager, officer):
    website = approve_policy_without_website(manager)
    offered = set(ContactForm().fields["channel"].queryset.values_list("code", flat=True))
    assert offered == {"interview", "phone"}
    with pytest.raises(ValidationError) as error:
        contact_services.contact_record(
            actor=officer, channel=website, purpose="inquiry", contact_name="س", subject="س", body="س"
        )
    assert "channel" in error.value.message_dict
    case = make_case(kind="inquiry", actor=officer)
    with pytest.raises(ValidationError):
        services.case_answer(case=case, response="تم الرد", channel=website, actor=officer)


def test_a_missing_core_channel_is_restored_for_the_public_form(client):
    Channel.objects.filter(code="website").delete()
    response = client.post(reverse("channels_log:public_contact"), form_data())
    assert response.status_code == 302
    assert Case.objects.get().contact.channel.code == "website"
