"""Pages show amounts, quantities and percentages by the one rule (``association.kernel.numbers``): «1,500.00 ريال»,
«87.5%», never the Arabic locale's «1500,00» / «60,0%»; and the request's status agrees with «الطلب»."""

import datetime as dt
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils.html import strip_tags

from association.kernel.roles import Role
from beneficiaries.models import HouseholdMember
from requests_app import services
from tests.surveys.test_results import fixture_data  # noqa: F401 (a fixture)

from .factories import awaiting_committee, cast_votes

pytestmark = pytest.mark.django_db
RIYADH = ZoneInfo("Asia/Riyadh")
COMMA_DECIMAL = re.compile(r"\d,\d{1,2}(?!\d)")  # «1500,00», «60,0»


def _text(response) -> str:
    return " ".join(strip_tags(response.content.decode()).split())


def test_request_page_shows_the_grant_the_deliveries_and_the_status(officer, chair, make_user, client_for):
    with time_machine.travel(dt.datetime(2026, 11, 1, 10, 0, tzinfo=RIYADH), tick=False):
        support_request = awaiting_committee(officer)
    cast_votes(support_request, [make_user(Role.COMMITTEE_MEMBER), chair])
    with time_machine.travel(dt.datetime(2026, 11, 16, 10, 0, tzinfo=RIYADH), tick=False):
        services.committee_decide(
            support_request=support_request,
            actor=chair,
            outcome="approved",
            reasons="مستحق",
            grant={"grant_kind": "cash", "grant_amount": Decimal("1500")},
        )
    url = reverse("requests_app:detail", args=[support_request.pk])
    text = _text(client_for(officer).get(url))
    assert "مقبول" in text and "معتمدة" not in text  # the request (masculine) is approved
    assert "الموافقة على الطلب" in text  # the committee's decision
    assert "1,500.00 ريال" in text

    services.support_request_register(support_request=support_request, actor=officer)
    services.delivery_record(
        support_request=support_request,
        actor=officer,
        delivered_on=dt.date(2026, 11, 20),
        what="دفعة أولى",
        quantity=Decimal("3"),
        amount=Decimal("1250.5"),
    )
    html = client_for(officer).get(url).content.decode()
    text = " ".join(strip_tags(html).split())
    assert "1,250.50 ريال" in text
    assert '<bdi dir="ltr" class="ltr-run">3</bdi>' in html and "3.00" not in text
    assert not COMMA_DECIMAL.search(text), COMMA_DECIMAL.search(text)


def test_household_incomes_on_the_beneficiary_page(officer, client_for):
    from tests.factories import BeneficiaryFactory

    beneficiary = BeneficiaryFactory()
    HouseholdMember.objects.create(
        beneficiary=beneficiary,
        relation="son",
        name="سالم",
        monthly_income=Decimal("3200"),
    )
    text = _text(client_for(officer).get(beneficiary.get_absolute_url()))
    assert "3,200.00 ريال" in text
    assert not COMMA_DECIMAL.search(text)


def test_survey_results_show_percentages_with_a_decimal_point(fixture_data, manager, client_for):  # noqa: F811
    response = client_for(manager).get(reverse("surveys:results"), {"survey": fixture_data["survey"].pk})
    text = _text(response)
    # CSAT 60.0 and response rate 83.3 (see tests/surveys/test_results.py), NPS 0.0.
    assert "60.0%" in text and "83.3%" in text
    assert not re.search(r"\d,\d%", text)


def test_exported_percentages_stay_numbers_with_a_number_format(fixture_data, manager, client_for):  # noqa: F811
    import io

    from openpyxl import load_workbook

    response = client_for(manager).get(reverse("surveys:results_export"), {"survey": fixture_data["survey"].pk})
    summary = load_workbook(io.BytesIO(response.content))["الملخص"]
    rows = list(summary.iter_rows(min_row=2))
    csat, nps = rows[0][3], rows[0][4]
    assert (csat.value, csat.number_format) == (60.0, '0.0"%"')  # a number Excel shows as «60.0%»
    assert (nps.value, nps.number_format) == (0.0, "#,##0.0")
    rate = next(row for row in rows if row[0].value == "الدعوات الصادرة")[4]
    assert (rate.value, rate.number_format) == (83.3, '0.0"%"')


def test_the_spreadsheet_writer_keeps_a_formatted_number_a_number():
    import io

    from openpyxl import load_workbook

    from association.kernel.numbers import XLSX_AMOUNT
    from association.kernel.spreadsheets import Number, Sheet, csv_bytes, xlsx_bytes

    data = xlsx_bytes([Sheet("s", ["amount"], [[Number(Decimal("1500.5"), XLSX_AMOUNT)], [Number(None, XLSX_AMOUNT)]])])
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet["A2"].value == 1500.5 and sheet["A2"].number_format == "#,##0.00"
    assert sheet["A3"].value is None
    assert csv_bytes(["amount"], [[Number(Decimal("1500.5"), XLSX_AMOUNT)]]).decode("utf-8-sig").splitlines() == [
        "amount",
        "1500.5",
    ]
