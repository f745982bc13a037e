"""Surveys gives the person's timeline its lines (kernel registry, slot ``timeline``): the invitations sent to
them and the answers they gave — never an anonymous answer — in a fixed number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from association.kernel import registry
from surveys import selectors, services
from tests.factories import SupportRequestFactory

from .factories import answers_for, consenting_beneficiary, make_survey, open_invitation

pytestmark = pytest.mark.django_db


def test_surveys_registers_its_timeline_provider():
    assert selectors.timeline_items in registry.providers("timeline")


def test_the_persons_invitations_and_named_answers_newest_first(manager):
    beneficiary = consenting_beneficiary()
    request = SupportRequestFactory(beneficiary=beneficiary)
    answered = open_invitation(support_request=request)
    services.response_submit(token=answered.token, answers=answers_for(answered.version, rating=1))
    anonymous = open_invitation(make_survey(anonymous=True), beneficiary=beneficiary)
    services.response_submit(token=anonymous.token, answers=answers_for(anonymous.version))
    open_invitation(answered.version.survey, beneficiary=beneficiary)  # handed over, not answered yet
    open_invitation()  # someone else's

    with translation.override("en"):
        items = selectors.timeline_items(beneficiary=beneficiary, user=manager)

    assert [item.kind for item in items] == ["survey"] * 4
    lines = [(item.title.split(":")[0], item.badge) for item in items]
    # Three invitations (the answered one, the anonymous survey's, the open one); the one named answer, low.
    assert (
        sorted(lines) == [("Survey answered", "Low score")] + [("Survey invitation", "In person (printed QR code)")] * 3
    )
    assert [item.at for item in items] == sorted((item.at for item in items), reverse=True)

    only_request = selectors.timeline_items(beneficiary=beneficiary, user=manager, support_request=request)
    assert len(only_request) == 2  # the request's invitation and its answer


def test_the_timeline_lines_cost_the_same_queries_for_one_invitation_and_for_many(manager):
    beneficiary = consenting_beneficiary()
    survey = make_survey()

    def count():
        with CaptureQueriesContext(connection) as ctx:
            selectors.timeline_items(beneficiary=beneficiary, user=manager)
        return len(ctx.captured_queries)

    invitation = open_invitation(survey, beneficiary=beneficiary)
    services.response_submit(token=invitation.token, answers=answers_for(invitation.version))
    one = count()
    for _ in range(6):
        invitation = open_invitation(survey, beneficiary=beneficiary)
        services.response_submit(token=invitation.token, answers=answers_for(invitation.version, score=3))
    assert count() == one == 1


def test_the_beneficiary_timeline_page_shows_the_survey_lines(client_for, officer):
    from django.urls import reverse

    beneficiary = consenting_beneficiary()
    invitation = open_invitation(beneficiary=beneficiary)
    services.response_submit(token=invitation.token, answers=answers_for(invitation.version, rating=1))

    page = client_for(officer).get(reverse("beneficiaries:timeline", args=[beneficiary.public_id]))

    html = page.content.decode()
    assert page.status_code == 200
    assert html.count('data-kind="survey"') == 2
    assert "درجة منخفضة" in html  # the answer's low-score badge
