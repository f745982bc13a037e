"""Aggregation against a fixture computed by hand (see the comments)."""

import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from association.channels import Channel
from surveys import selectors, services
from surveys.models import Response
from tests.factories import ServiceTypeFactory, SupportRequestFactory

from .factories import consenting_beneficiary, inviter, make_survey, riyadh

pytestmark = pytest.mark.django_db

# (request, month, rating, score)
FIXTURE = [
    ("a", 10, 5, 10),
    ("a", 10, 4, 6),
    ("b", 10, 2, 9),
    ("b", 11, 3, 8),
    ("a", 11, 5, 0),
]


@pytest.fixture
def fixture_data():
    survey = make_survey(kinds=("rating", "score", "text"), required=False)
    version = survey.published_version()
    rating, score, text = version.questions.all()
    service_a, service_b = ServiceTypeFactory(name="سلة غذائية"), ServiceTypeFactory(name="دعم إيجار")
    kinds = {
        "a": (service_a, Channel.objects.get(code="interview")),
        "b": (service_b, Channel.objects.get(code="phone")),
    }

    def new_request(key):
        # One request per answer: a request gets one in-person answer (test_one_answer_per_request).
        service_type, channel = kinds[key]
        return SupportRequestFactory(beneficiary=consenting_beneficiary(), service_type=service_type, channel=channel)

    actor = inviter()
    for key, month, r, s in FIXTURE:
        at = riyadh(2026, month, 10, 10, 0)
        invitation = services.invitation_in_person(survey=survey, support_request=new_request(key), actor=actor, now=at)
        services.response_submit(
            token=invitation.token, answers={rating.pk: r, score.pk: s, text.pk: f"تعليق {r}{s}"}, now=at
        )
    # One more invitation, never answered: response rate 5 / 6.
    services.invitation_in_person(
        survey=survey, support_request=new_request("a"), actor=actor, now=riyadh(2026, 11, 1, 9, 0)
    )
    return {"survey": survey, "a": service_a, "b": service_b}


def test_overall_csat_nps_and_rate(fixture_data):
    overall = selectors.overall(Response.objects.all())
    # Ratings 5 4 2 3 5: three of five are 4–5 → 60.0. Scores 10 6 9 8 0: promoters 10, 9; detractors 6, 0 → 0.
    assert (overall.responses, overall.csat, overall.nps) == (5, 60.0, 0.0)
    rate = selectors.response_rate(survey=fixture_data["survey"])
    assert (rate["issued"], rate["answered"], rate["rate"]) == (6, 5, 83.3)


def test_by_month(fixture_data):
    rows = {
        row.label: (row.responses, row.csat, row.nps) for row in selectors.breakdown(Response.objects.all(), "month")
    }
    # October: ratings 5 4 2 → 2/3; scores 10 6 9 → (2 − 1)/3. November: ratings 3 5 → 1/2; scores 8 0 → (0 − 1)/2.
    assert rows == {"2026-10": (3, 66.7, 33.3), "2026-11": (2, 50.0, -50.0)}


def test_by_request_type_and_channel(fixture_data):
    names = {fixture_data["a"].pk: "A", fixture_data["b"].pk: "B"}
    by_service = {
        row.label: (row.responses, row.csat, row.nps)
        for row in selectors.breakdown(Response.objects.all(), "service_type", names)
    }
    # A: ratings 5 4 5 → 100; scores 10 6 0 → (1 − 2)/3. B: ratings 2 3 → 0; scores 9 8 → (1 − 0)/2.
    assert by_service == {"A": (3, 100.0, -33.3), "B": (2, 0.0, 50.0)}
    channels = {row.key: row.csat for row in selectors.breakdown(Response.objects.all(), "channel")}
    assert channels == {Channel.objects.get(code="interview").pk: 100.0, Channel.objects.get(code="phone").pk: 0.0}


def test_filters_narrow_the_responses(fixture_data):
    october = selectors.filter_responses(
        date_from=riyadh(2026, 10, 1, 0, 0).date(), date_to=riyadh(2026, 10, 31, 0, 0).date()
    )
    assert selectors.overall(october).csat == 66.7
    assert selectors.overall(selectors.filter_responses(service_type=fixture_data["b"])).nps == 50.0


def test_dashboard_page_and_chart(client_for, manager, fixture_data):
    response = client_for(manager).get(reverse("surveys:results"), {"survey": fixture_data["survey"].pk})
    assert response.status_code == 200
    html = response.content.decode()
    # A decimal point, as Saudi readers read it (association.kernel.numbers), not the Arabic locale's «60,0%».
    assert "60.0%" in html and "83.3%" in html and "60,0" not in html
    assert html.count('<rect class="bar') == 4  # CSAT and NPS for two months
    # SVG geometry is never localised (a decimal comma would break the drawing).
    assert re.search(r'<rect class="bar" x="[0-9.]+" y="[0-9.]+" width="[0-9.]+" height="[0-9.]+"/>', html)
    assert "<script" not in html.split("</footer>")[0].split("<main")[1]  # charts are plain SVG
    assert len(response.context["comments"].object_list) == 5


def test_xlsx_export(client_for, chair, fixture_data):
    response = client_for(chair).get(reverse("surveys:results_export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(response.content))
    summary, answers = workbook.worksheets
    assert list(summary.iter_rows(min_row=2, max_row=2, values_only=True))[0][2:] == (5, 60.0, 0.0)
    assert answers.max_row == 1 + 5 * 3  # header + three answers for each of five responses


def test_results_forbidden_to_officers(client_for, officer):
    assert client_for(officer).get(reverse("surveys:results")).status_code == 403
    assert client_for(officer).get(reverse("surveys:results_export")).status_code == 403


def test_bad_filter_input_is_not_a_500(client_for, manager):
    response = client_for(manager).get(reverse("surveys:results"), {"date_from": "not a date", "survey": "abc"})
    assert response.status_code == 200
    assert response.context["form"].errors


def test_results_page_costs_the_same_queries_for_one_response_and_for_many(client_for, manager):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import ServiceTypeFactory

    survey = make_survey()
    officer = inviter()
    client = client_for(manager)
    services_seen = [ServiceTypeFactory(name=f"خدمة {n}") for n in range(3)]

    def answer(n):
        request = SupportRequestFactory(beneficiary=consenting_beneficiary(), service_type=services_seen[n % 3])
        invitation = services.invitation_in_person(survey=survey, support_request=request, actor=officer)
        services.response_submit(token=invitation.token, answers=_values(invitation.version, n))

    def count(query):
        client.get(reverse("surveys:results"), query)  # warm: the cached reads (kernel.memo) a change of rows retires
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("surveys:results"), query).status_code == 200
        return len(ctx.captured_queries)

    answer(0)
    one = [count({}), count({"survey": survey.pk, "date_from": "2020-01-01"})]
    for n in range(1, 15):
        answer(n)
    assert [count({}), count({"survey": survey.pk, "date_from": "2020-01-01"})] == one


def _values(version, n):
    """A rating, a score, the choices and a comment that vary with ``n`` (question id → value)."""
    values = {}
    for question in version.questions.prefetch_related("choices"):
        choices = list(question.choices.all())
        values[question.pk] = {
            "rating": 1 + n % 5,
            "score": n % 11,
            "single": choices[n % len(choices)].pk if choices else None,
            "multiple": [c.pk for c in choices[: 1 + n % len(choices)]] if choices else [],
            "text": f"تعليق رقم {n}",
        }[question.kind]
    return values


def test_xlsx_export_writes_each_answer_with_its_response_and_the_options_chosen(client_for, chair):
    survey = make_survey(kinds=("rating", "single", "multiple", "text"))
    version = survey.published_version()
    rating, single, multiple, text = version.questions.prefetch_related("choices")
    yes, no, maybe = multiple.choices.all()
    service_type = ServiceTypeFactory(name="سلة غذائية")
    request = SupportRequestFactory(
        beneficiary=consenting_beneficiary(), service_type=service_type, channel=Channel.objects.get(code="phone")
    )
    invitation = services.invitation_in_person(survey=survey, support_request=request, actor=inviter())
    chosen = {rating.pk: 4, single.pk: single.choices.last().pk, multiple.pk: [maybe.pk, yes.pk], text.pk: "شكرًا"}
    response = services.response_submit(token=invitation.token, answers=chosen, now=riyadh(2026, 10, 10, 10, 0))

    download = client_for(chair).get(reverse("surveys:results_export"), {"survey": survey.pk})
    rows = list(load_workbook(io.BytesIO(download.content)).worksheets[1].iter_rows(min_row=2, values_only=True))
    common = (response.pk, "استبيان الرضا", 1)
    assert [row[:3] for row in rows] == [common] * 4
    assert rows[0][4:] == (
        "سلة غذائية",
        "الاتصالات الهاتفية",
        "حضوريًا",
        "حضوريًا (رمز QR مطبوع)",
        "لا",
        "سؤال rating",
        4,
    )
    # The options in their order on the questionnaire, whatever the order they were ticked in.
    assert [row[-1] for row in rows[1:]] == ["ربما", "نعم, ربما", "شكرًا"]
