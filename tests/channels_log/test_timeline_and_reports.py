"""The contact/case reports (with the xlsx export). The beneficiary timeline: tests/beneficiaries/test_timeline.py."""

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from association.channels import Channel
from channels_log.cases import reports, services
from tests.channels_log.factories import make_case, make_contact

pytestmark = pytest.mark.django_db
RIYADH = ZoneInfo("Asia/Riyadh")


def _answered_case(officer, *, kind, opened, hours_to_answer, channel_code="phone"):
    with time_machine.travel(opened, tick=False):
        case = make_case(kind=kind, actor=officer, channel_code=channel_code)
    with time_machine.travel(opened + dt.timedelta(hours=hours_to_answer), tick=False):
        services.case_answer(case=case, response="رد", channel=Channel.objects.get(code="phone"), actor=officer)
    return case


def test_report_volume_medians_and_share_within_target(officer):
    sunday = dt.datetime(2026, 11, 1, 9, tzinfo=RIYADH)  # a Sunday
    # Inquiries (1 working day): answered after 2 h, 4 h and 30 h (the last one late).
    for hours in (2, 4, 30):
        _answered_case(officer, kind="inquiry", opened=sunday, hours_to_answer=hours)
    _answered_case(officer, kind="complaint", opened=sunday, hours_to_answer=10, channel_code="website")
    with time_machine.travel(dt.datetime(2026, 10, 5, 9, tzinfo=RIYADH), tick=False):
        make_contact(purpose="note", actor=officer)
    with time_machine.travel(dt.datetime(2026, 11, 20, 9, tzinfo=RIYADH), tick=False):
        report = reports.build(start=dt.date(2026, 10, 1), end=dt.date(2026, 11, 30))
    inquiries = report["times"][1]  # "All", then the kinds in their order
    assert inquiries["count"] == 3
    assert inquiries["median_first_response_hours"] == 4.0
    assert inquiries["median_resolution_hours"] == 4.0
    assert inquiries["resolved_within_target"] == round(200 / 3, 1)
    overall = report["times"][0]
    assert overall["count"] == 4 and overall["median_resolution_hours"] == 7.0
    by_channel = {c.code: n for c, n in report["by_channel"]}
    # Incoming contacts on their channels plus the four outgoing answers by phone.
    assert by_channel == {"phone": 3 + 1 + 4, "website": 1}
    months = dict(report["by_month"])
    assert months[dt.date(2026, 10, 1)] == 1 and months[dt.date(2026, 11, 1)] == 8
    assert report["total"] == 9


def test_report_page_queries_do_not_grow_and_xlsx_exports(client_for, officer, manager):
    from openpyxl import load_workbook

    client = client_for(manager)
    url = reverse("channels_log:case_reports")  # the last twelve months

    def count():
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            client.get(url)
        return len(ctx)

    for _ in range(5):
        make_case(actor=officer)
    few = count()
    for _ in range(45):
        make_case(kind="complaint", actor=officer, channel_code="letter")
    assert count() == few
    response = client.get(reverse("channels_log:case_reports_xlsx"))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    volume = workbook.worksheets[0]
    assert sum(row[3] for row in volume.iter_rows(min_row=2, values_only=True)) == 50
    times = workbook.worksheets[3]
    assert [row[1] for row in times.iter_rows(min_row=2, values_only=True)][0] == 50


def test_report_with_a_reversed_period_shows_the_error(client_for, manager):
    response = client_for(manager).get(reverse("channels_log:case_reports") + "?start=2026-12-01&end=2026-01-01")
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()


def test_database_medians_agree_with_the_python_ones(officer):
    """PostgreSQL computes the medians and shares (percentile_cont); they equal the Python figures SQLite uses,
    with open, late and unanswered cases among them."""
    from tests.services import require_postgres

    require_postgres()
    sunday = dt.datetime(2026, 11, 1, 9, tzinfo=RIYADH)
    for kind, hours in (("inquiry", 1), ("inquiry", 7), ("inquiry", 50), ("complaint", 3), ("suggestion", 90)):
        _answered_case(officer, kind=kind, opened=sunday, hours_to_answer=hours)
    with time_machine.travel(sunday, tick=False):
        make_case(kind="complaint", actor=officer)  # never answered, its targets pass
    now = dt.datetime(2026, 11, 25, 9, tzinfo=RIYADH)
    low, high = reports._bounds(dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    with time_machine.travel(now, tick=False):
        in_sql, truncated = reports._case_times(low, high, now)
    rows = list(
        reports.Case.objects.filter(opened_at__gte=low, opened_at__lt=high).values_list(
            "kind", "opened_at", "first_response_at", "answered_at", "first_response_due", "resolution_due"
        )
    )
    in_python = [reports._time_figures([r[1:] for r in rows], now)]
    in_python += [reports._time_figures([r[1:] for r in rows if r[0] == v], now) for v, _l in reports.Case.Kind.choices]
    assert not truncated
    assert [{k: v for k, v in row.items() if k != "kind"} for row in in_sql] == in_python
    assert in_sql[0]["count"] == 6 and in_sql[0]["resolved_within_target"] is not None
