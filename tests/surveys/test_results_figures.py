"""Each response stores its share of the results (``surveys.models.FIGURES``) and the results page sums those: after
every kind of write — each way an answer comes in, an erasure, a deletion — the page's figures equal the figures
counted straight from the answers, as the page counted them before; and the check and rebuild command."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count, F, Q
from django.db.models.functions import TruncMonth

from association.channels import Channel
from beneficiaries.privacy.services import beneficiary_anonymise
from surveys import selectors, services
from surveys.models import Answer, Invitation, Question, Response, SendChannel, Trigger
from tests.factories import ServiceTypeFactory, SupportRequestFactory

from .factories import consenting_beneficiary, enable_trigger, inviter, make_survey, post_data

pytestmark = pytest.mark.django_db

COUNTED = ("responses", "rating_n", "satisfied", "score_n", "promoters", "detractors")


def raw_figures(responses):
    """The overall figures and every breakdown counted from the raw answers joined to their questions."""
    answers = Answer.objects.filter(response__in=responses)
    rating, score = Q(question__kind=Question.Kind.RATING), Q(question__kind=Question.Kind.SCORE)
    metrics = {
        "rating_n": Count("pk", filter=rating),
        "satisfied": Count("pk", filter=rating & Q(number__gte=4)),
        "score_n": Count("pk", filter=score),
        "promoters": Count("pk", filter=score & Q(number__gte=9)),
        "detractors": Count("pk", filter=score & Q(number__lte=6)),
    }
    result = {"overall": {**answers.aggregate(**metrics), "responses": responses.count()}}
    for dimension in selectors.DIMENSIONS:
        key = TruncMonth("response__submitted_on") if dimension == "month" else F(f"response__{dimension}")
        rows = answers.values(key=key).annotate(responses=Count("response", distinct=True), **metrics)
        rows = sorted(rows, key=lambda row: (row["key"] is None, row["key"]))
        result[dimension] = [{name: row[name] for name in ("key", *COUNTED)} for row in rows]
    return result


def page_figures(responses):
    """The same, as the results selectors give them."""
    figures = selectors.figures(responses)
    result = {"overall": {name: getattr(figures["overall"], name) for name in COUNTED}}
    for dimension in selectors.DIMENSIONS:
        result[dimension] = [
            {"key": row.key, **{name: getattr(row, name) for name in COUNTED}} for row in figures[dimension]
        ]
    return result


def assert_consistent():
    assert not services.response_figures_mismatches().exists()
    for responses in (
        Response.objects.all(),
        Response.objects.filter(trigger=Trigger.IN_PERSON),
        Response.objects.filter(collected_via=SendChannel.SMS),
    ):
        assert page_figures(responses) == raw_figures(responses)


def varied(version, n):
    """A rating, a score, choices and a comment that vary with ``n`` (question id → value)."""
    values = {}
    for question in version.questions.prefetch_related("choices"):
        choices = list(question.choices.all()) or [None]
        values[question.pk] = {
            Question.Kind.RATING: 1 + n % 5,
            Question.Kind.SCORE: (3 * n) % 11,
            Question.Kind.SINGLE: getattr(choices[n % len(choices)], "pk", None),
            Question.Kind.MULTIPLE: [c.pk for c in choices[: 1 + n % len(choices)] if c],
            Question.Kind.TEXT: f"تعليق رقم {n}",
        }[question.kind]
    return values


def a_request(n):
    channels = list(Channel.objects.order_by("pk")[:2])
    return SupportRequestFactory(
        beneficiary=consenting_beneficiary(),
        service_type=ServiceTypeFactory(name=f"خدمة {n}"),
        channel=channels[n % len(channels)],
    )


def test_every_way_an_answer_comes_in_keeps_the_figures_equal_to_the_answers(client):
    survey = make_survey()
    anonymous = make_survey(anonymous=True, kinds=("rating", "score", "rating", "text"))
    officer = inviter()
    n = iter(range(100))
    ways = [
        # The printed code handed over at the desk, for a request and for a person.
        lambda: services.invitation_in_person(survey=survey, support_request=a_request(next(n)), actor=officer),
        lambda: services.invitation_in_person(survey=survey, beneficiary=consenting_beneficiary(), actor=officer),
        # A blank anonymous code (no person, no request).
        lambda: services.invitation_in_person(survey=anonymous, actor=officer),
        # A batch chosen by staff, sent by SMS and by email.
        lambda: services.invitations_batch(
            survey=survey, beneficiaries=[consenting_beneficiary()], send_channel=SendChannel.SMS, actor=officer
        )[0],
        lambda: services.invitations_batch(
            survey=survey, beneficiaries=[consenting_beneficiary()], send_channel=SendChannel.EMAIL, actor=officer
        )[0],
        # An event's invitation (a decision on a request).
        lambda: services.invitation_for_event(
            trigger=Trigger.DECISION_MADE,
            beneficiary=(request := a_request(next(n))).beneficiary,
            support_request=request,
        ),
    ]
    enable_trigger(Trigger.DECISION_MADE, survey, delay_days=0)
    for round_number in range(2):
        for index, make in enumerate(ways):
            invitation = make()
            values = varied(invitation.version, 3 * round_number + index)
            services.response_submit(token=invitation.token, answers=values)
            assert_consistent()
    # And through the public page itself.
    invitation = services.invitation_in_person(survey=survey, support_request=a_request(next(n)), actor=officer)
    assert (
        client.post(invitation.get_absolute_url(), post_data(invitation.version, rating=2, score=9)).status_code == 302
    )
    assert_consistent()
    stored = Response.objects.values_list("rating_n", "satisfied", "score_n", "promoters", "detractors")
    assert stored.get(invitation=invitation) == (1, 0, 1, 1, 0)
    assert Response.objects.filter(is_anonymous=True, rating_n=2).count() == 2  # two ratings each
    assert Response.objects.count() == 13


def test_a_response_without_answers_counts_overall_but_in_no_breakdown():
    survey = make_survey(kinds=("rating", "text"), required=False)
    officer = inviter()
    for answers in ({}, "rated"):
        invitation = services.invitation_in_person(survey=survey, support_request=a_request(1), actor=officer)
        rating = invitation.version.questions.get(kind=Question.Kind.RATING)
        services.response_submit(token=invitation.token, answers={} if answers == {} else {rating.pk: 5})
    assert_consistent()
    figures = selectors.figures(Response.objects.all())
    assert (figures["overall"].responses, figures["overall"].csat) == (2, 100.0)
    assert [row.responses for row in figures["trigger"]] == [1]
    assert sorted(Response.objects.values_list("answer_count", flat=True)) == [0, 1]


def test_an_erasure_blanks_the_comments_and_leaves_the_figures(manager):
    survey = make_survey()
    officer = inviter()
    request = a_request(1)
    for n, support_request in enumerate((request, a_request(2))):
        invitation = services.invitation_in_person(survey=survey, support_request=support_request, actor=officer)
        services.response_submit(token=invitation.token, answers=varied(invitation.version, n))
    before = page_figures(Response.objects.all())
    assert selectors.comments(Response.objects.all()).count() == 2

    beneficiary_anonymise(beneficiary=request.beneficiary, source="request", actor=manager)

    assert selectors.comments(Response.objects.all()).count() == 1
    assert page_figures(Response.objects.all()) == before
    assert_consistent()


def test_a_deleted_response_takes_its_figures_with_it():
    survey = make_survey()
    officer = inviter()
    for n in range(3):
        invitation = services.invitation_in_person(survey=survey, support_request=a_request(n), actor=officer)
        services.response_submit(token=invitation.token, answers=varied(invitation.version, n))
    Response.objects.filter(pk=Response.objects.order_by("pk").first().pk).delete()
    assert selectors.overall(Response.objects.all()).responses == 2
    assert_consistent()


def test_answers_written_past_the_services_are_found_by_the_check_and_the_rebuild_fixes_them():
    survey = make_survey(kinds=("rating", "score"), required=False)
    officer = inviter()
    invitation = services.invitation_in_person(survey=survey, support_request=a_request(1), actor=officer)
    response = services.response_submit(token=invitation.token, answers={})
    score = invitation.version.questions.get(kind=Question.Kind.SCORE)
    Answer.objects.bulk_create([Answer(response=response, question=score, number=10)])

    assert list(services.response_figures_mismatches()) == [response]
    with pytest.raises(CommandError, match="1 responses"):
        call_command("survey_figures")
    call_command("survey_figures", rebuild=True)
    call_command("survey_figures")  # the check passes
    assert selectors.overall(Response.objects.all()).nps == 100.0
    assert_consistent()


def test_the_database_and_the_portable_roll_up_agree():
    survey = make_survey()
    officer = inviter()
    for n in range(6):
        invitation = services.invitation_in_person(survey=survey, support_request=a_request(n), actor=officer)
        services.response_submit(token=invitation.token, answers=varied(invitation.version, n))
    responses = Response.objects.filter(service_type__isnull=False)
    rolled_up = selectors._sets_in_python(responses)
    assert rolled_up[0]["responses"] == 6
    assert len(rolled_up[1]["service_type"]) == 6
    if connection.vendor == "postgresql":
        assert selectors._sets_in_database(responses) == rolled_up
    assert Invitation.objects.filter(used_at__isnull=False).count() == 6
