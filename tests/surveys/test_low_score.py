"""A low score opens a follow-up: surveys publishes ``low_score_recorded`` after the commit, the cases app opens
the follow-up contact and case and answers ``low_score_followed_up``, and the response is linked to it. End to
end through the events (a test's transaction never commits: ``django_capture_on_commit_callbacks`` runs what
the commit would)."""

import pytest

from association.channels import Channel
from association.kernel import events
from channels_log.cases.models import Case
from channels_log.contacts.models import ContactEntry
from channels_log.contacts.services import contact_record
from surveys import services
from surveys.models import Response, SurveySettings
from tests.factories import BeneficiaryFactory, UserFactory

from .factories import answers_for, open_invitation

pytestmark = pytest.mark.django_db


@pytest.fixture
def submit(django_capture_on_commit_callbacks):
    """Answer an invitation and run what its commit runs; the response as the database has it afterwards."""

    def answer(invitation, **scores):
        with django_capture_on_commit_callbacks(execute=True):
            response = services.response_submit(
                token=invitation.token, answers=answers_for(invitation.version, **scores)
            )
        return Response.objects.get(pk=response.pk)

    return answer


def test_low_rating_opens_a_follow_up_in_the_contact_log(submit):
    invitation = open_invitation()
    response = submit(invitation, rating=2, score=9)
    assert response.is_low
    entry = ContactEntry.objects.get(purpose=ContactEntry.Purpose.FOLLOW_UP)
    assert response.follow_up == entry
    assert (entry.beneficiary, entry.support_request) == (invitation.beneficiary, invitation.support_request)
    assert entry.recorded_by is None and entry.channel.code == "website"


def test_score_at_the_threshold_is_low_and_above_is_not(submit):
    settings = SurveySettings.load()
    settings.low_score_threshold = 6
    settings.save()
    low = open_invitation()
    submit(low, rating=5, score=6)
    fine = open_invitation(low.version.survey)
    response = submit(fine, rating=3, score=7)
    assert not response.is_low
    assert ContactEntry.objects.filter(purpose="follow_up").count() == 1


def test_good_scores_open_nothing(submit):
    response = submit(open_invitation())
    assert not response.is_low and response.follow_up is None
    assert not ContactEntry.objects.filter(purpose="follow_up").exists()


def test_low_score_opens_a_follow_up_case_with_a_working_day_target(submit):
    invitation = open_invitation()
    response = submit(invitation, rating=1, score=2)

    case = Case.objects.get(contact=response.follow_up)
    assert case.kind == Case.Kind.FOLLOW_UP and case.status == Case.Status.OPEN
    assert case.first_response_due > case.opened_at and case.resolution_due >= case.first_response_due
    assert case.support_request == invitation.support_request


def test_the_follow_up_is_opened_once_however_often_the_event_comes(submit):
    invitation = open_invitation()
    response = submit(invitation, score=0)
    payload = {
        "response_id": response.pk,
        "beneficiary_id": invitation.beneficiary_id,
        "support_request_id": invitation.support_request_id,
        "summary": services.low_score_summary(invitation.version, answers_for(invitation.version, score=0)),
    }

    assert events.dispatch("low_score_recorded", **payload) == []

    assert ContactEntry.objects.filter(purpose=ContactEntry.Purpose.FOLLOW_UP).count() == 1
    assert Case.objects.filter(kind=Case.Kind.FOLLOW_UP).count() == 1
    assert Response.objects.get(pk=response.pk).follow_up == ContactEntry.objects.get(purpose="follow_up")


def test_nothing_is_opened_before_the_answer_is_committed():
    invitation = open_invitation()
    response = services.response_submit(token=invitation.token, answers=answers_for(invitation.version, rating=1))
    assert response.is_low and response.follow_up is None
    assert not ContactEntry.objects.filter(purpose="follow_up").exists()


def test_an_officer_noting_a_follow_up_opens_no_case():
    contact_record(
        actor=UserFactory(role="relations_officer"),
        channel=Channel.objects.get(code="phone"),
        purpose=ContactEntry.Purpose.FOLLOW_UP,
        beneficiary=BeneficiaryFactory(),
        subject="متابعة",
    )

    assert not Case.objects.exists()
