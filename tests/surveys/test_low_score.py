import pytest

from channels_log.contacts.models import ContactEntry
from surveys import services
from surveys.models import SurveySettings

from .factories import answers_for, open_invitation

pytestmark = pytest.mark.django_db


def test_low_rating_opens_a_follow_up_in_the_contact_log():
    invitation = open_invitation()
    response = services.response_submit(
        token=invitation.token, answers=answers_for(invitation.version, rating=2, score=9)
    )
    assert response.is_low
    entry = ContactEntry.objects.get(purpose=ContactEntry.Purpose.FOLLOW_UP)
    assert response.follow_up == entry
    assert (entry.beneficiary, entry.support_request) == (invitation.beneficiary, invitation.support_request)


def test_score_at_the_threshold_is_low_and_above_is_not():
    settings = SurveySettings.load()
    settings.low_score_threshold = 6
    settings.save()
    low = open_invitation()
    services.response_submit(token=low.token, answers=answers_for(low.version, rating=5, score=6))
    fine = open_invitation(low.version.survey)
    response = services.response_submit(token=fine.token, answers=answers_for(fine.version, rating=3, score=7))
    assert not response.is_low
    assert ContactEntry.objects.filter(purpose="follow_up").count() == 1


def test_good_scores_open_nothing():
    invitation = open_invitation()
    response = services.response_submit(token=invitation.token, answers=answers_for(invitation.version))
    assert not response.is_low and response.follow_up is None
    assert not ContactEntry.objects.filter(purpose="follow_up").exists()


def test_low_score_opens_a_follow_up_case_with_a_working_day_target():
    from channels_log.cases.models import Case

    invitation = open_invitation()
    response = services.response_submit(
        token=invitation.token, answers=answers_for(invitation.version, rating=1, score=2)
    )

    case = Case.objects.get(contact=response.follow_up)
    assert case.kind == Case.Kind.FOLLOW_UP and case.status == Case.Status.OPEN
    assert case.first_response_due > case.opened_at and case.resolution_due >= case.first_response_due
    assert case.support_request == invitation.support_request


def test_an_officer_noting_a_follow_up_opens_no_case():
    from association.channels import Channel
    from channels_log.cases.models import Case
    from channels_log.contacts.services import contact_record
    from tests.factories import BeneficiaryFactory, UserFactory

    contact_record(
        actor=UserFactory(role="relations_officer"),
        channel=Channel.objects.get(code="phone"),
        purpose=ContactEntry.Purpose.FOLLOW_UP,
        beneficiary=BeneficiaryFactory(),
        subject="متابعة",
    )

    assert not Case.objects.exists()
