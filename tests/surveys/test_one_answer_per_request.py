"""One answer per request and source, however many invitations staff print for it; each answer says how
it was collected (the link sent by SMS or email, or the code handed over in person)."""

import io

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from openpyxl import load_workbook

from surveys import selectors, services
from surveys.models import Invitation, Response, SendChannel, Trigger
from tests.concurrency import run_at_once
from tests.factories import SupportRequestFactory
from tests.services import require_postgres

from .factories import answers_for, consenting_beneficiary, enable_trigger, inviter, make_survey, post_data

pytestmark = pytest.mark.django_db


def _request():
    return SupportRequestFactory(beneficiary=consenting_beneficiary())


@pytest.mark.parametrize("anonymous", [False, True])
def test_a_second_in_person_invitation_of_an_answered_request_is_refused(anonymous):
    survey = make_survey(anonymous=anonymous)
    support_request = _request()
    actor = inviter()
    first, second, third = (
        services.invitation_in_person(survey=survey, support_request=support_request, actor=actor) for _ in range(3)
    )
    services.response_submit(token=second.token, answers=answers_for(second.version))
    for other in (first, third):
        with pytest.raises(services.InvitationUnavailable) as refused:
            services.response_submit(token=other.token, answers=answers_for(other.version))
        assert refused.value.reason == "answered"
    assert Response.objects.count() == 1
    assert Invitation.objects.filter(used_at__isnull=False).count() == 1
    assert Invitation.objects.get(pk=second.pk).answered_key == f"{support_request.pk}:{Trigger.IN_PERSON}"


def test_staff_cannot_print_another_invitation_once_the_request_answered(client_for, officer):
    survey = make_survey()
    support_request = _request()
    support_request.number = "R-2026-0042"
    support_request.save(update_fields=["number"])
    invitation = services.invitation_in_person(survey=survey, support_request=support_request, actor=officer)
    services.response_submit(token=invitation.token, answers=answers_for(invitation.version))
    response = client_for(officer).post(
        reverse("surveys:invitation_in_person"), {"survey": survey.pk, "request_number": "R-2026-0042"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["request_number"]
    assert Invitation.objects.count() == 1


def test_the_public_page_of_another_link_says_already_answered(client):
    survey = make_survey()
    support_request = _request()
    first = services.invitation_in_person(survey=survey, support_request=support_request, actor=inviter())
    second = services.invitation_in_person(survey=survey, support_request=support_request, actor=inviter())
    assert client.post(first.get_absolute_url(), post_data(first.version)).status_code == 302
    page = client.get(second.get_absolute_url())
    assert page.status_code == 410 and page.context["reason"] == "answered"
    posted = client.post(second.get_absolute_url(), post_data(second.version))
    assert posted.status_code == 410
    assert Response.objects.count() == 1


def test_other_requests_and_other_sources_are_answered_separately():
    survey = make_survey()
    enable_trigger(Trigger.SERVICE_DELIVERED, survey)
    support_request = _request()
    in_person = services.invitation_in_person(survey=survey, support_request=support_request, actor=inviter())
    event = services.invitation_for_event(
        trigger=Trigger.SERVICE_DELIVERED, beneficiary=support_request.beneficiary, support_request=support_request
    )
    elsewhere = services.invitation_in_person(survey=survey, support_request=_request(), actor=inviter())
    walk_in = services.invitation_in_person(survey=survey, beneficiary=consenting_beneficiary(), actor=inviter())
    for invitation in (in_person, event, elsewhere, walk_in):
        services.response_submit(token=invitation.token, answers=answers_for(invitation.version))
    assert Response.objects.count() == 4


def test_the_database_refuses_a_second_answer_for_the_same_request_and_source():
    survey = make_survey()
    support_request = _request()
    first, second = (
        services.invitation_in_person(survey=survey, support_request=support_request, actor=inviter()) for _ in range(2)
    )
    key = services.answered_key(support_request.pk, Trigger.IN_PERSON)
    Invitation.objects.filter(pk=first.pk).update(answered_key=key)
    with pytest.raises(IntegrityError), transaction.atomic():
        Invitation.objects.filter(pk=second.pk).update(answered_key=key)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("anonymous", [False, True])
def test_two_links_of_one_request_answered_at_the_same_instant_record_one_response(anonymous):
    require_postgres()
    survey = make_survey(anonymous=anonymous)
    support_request = _request()
    invitations = [
        services.invitation_in_person(survey=survey, support_request=support_request, actor=inviter()) for _ in range(4)
    ]
    answers = answers_for(invitations[0].version)
    outcomes = run_at_once(
        [(lambda token=i.token: services.response_submit(token=token, answers=answers)) for i in invitations]
    )
    saved = [o for o in outcomes if isinstance(o, Response)]
    refused = [o for o in outcomes if isinstance(o, services.InvitationUnavailable)]
    assert len(saved) == 1 and len(refused) == 3, outcomes
    assert {r.reason for r in refused} == {"answered"}
    assert Response.objects.count() == 1


def test_each_answer_records_how_it_was_collected_and_results_show_it(client_for, manager):
    survey = make_survey(kinds=("rating", "text"))
    enable_trigger(Trigger.SERVICE_DELIVERED, survey)
    by_sms = _request()
    sms = services.invitation_for_event(
        trigger=Trigger.SERVICE_DELIVERED, beneficiary=by_sms.beneficiary, support_request=by_sms
    )
    desk = services.invitation_in_person(survey=survey, support_request=_request(), actor=inviter())
    for invitation in (sms, desk):
        services.response_submit(token=invitation.token, answers=answers_for(invitation.version, rating=4))
    assert set(Response.objects.values_list("collected_via", flat=True)) == {SendChannel.SMS, SendChannel.IN_PERSON}

    rows = {row.key: row.responses for row in selectors.breakdown(Response.objects.all(), "collected_via")}
    assert rows == {SendChannel.SMS: 1, SendChannel.IN_PERSON: 1}
    client = client_for(manager)
    page = client.get(reverse("surveys:results"))
    assert {row.key for row in page.context["by_collection"]} == {SendChannel.SMS, SendChannel.IN_PERSON}
    workbook = load_workbook(io.BytesIO(client.get(reverse("surveys:results_export")).content))
    answers = workbook.worksheets[1]
    header = [cell.value for cell in answers[1]]
    with translation.override("ar"):
        column = header.index(gettext("Collected via"))
        labels = {str(SendChannel.SMS.label), str(SendChannel.IN_PERSON.label)}
    assert {row[column] for row in answers.iter_rows(min_row=2, values_only=True)} == labels
