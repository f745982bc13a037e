"""Managers review who saw what in the portal: the access log filtered by person, staff member, day and
kind, a page at a time with the same queries whatever the rows, and an xlsx export that is logged."""

import datetime as dt
import io

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from association.kernel.roles import Role
from beneficiaries import services
from beneficiaries.models import BulkTransfer, SensitiveAccess
from tests.factories import BeneficiaryFactory

pytestmark = pytest.mark.django_db

URL = reverse("beneficiaries:access_log")
EXPORT = reverse("beneficiaries:access_log_export")
RIYADH = dt.timezone(dt.timedelta(hours=3))


def reveal(person, user, field="national_id", at=None, item=""):
    with time_machine.travel(at or timezone.now(), tick=False):
        services.sensitive_reveal(beneficiary=person, field=field, actor=user, item=item)


@pytest.fixture
def log(officer, make_user):
    """Rows written by the portal's own paths: two officers, two people, several kinds and days."""
    other = make_user(Role.RELATIONS_OFFICER, first_name="منى", last_name="الحربي")
    first, second = BeneficiaryFactory(), BeneficiaryFactory()
    reveal(first, officer, "national_id", dt.datetime(2026, 5, 3, 23, 30, tzinfo=RIYADH))
    reveal(first, other, "iban", dt.datetime(2026, 5, 4, 0, 30, tzinfo=RIYADH))
    reveal(second, officer, "health", dt.datetime(2026, 5, 5, 10, 0, tzinfo=RIYADH))
    reveal(second, officer, "document", dt.datetime(2026, 5, 6, 10, 0, tzinfo=RIYADH), item="هوية #4")
    return {"first": first, "second": second, "officer": officer, "other": other}


def shown(response) -> list[tuple]:
    return [(a.beneficiary_id, a.user_id, a.field) for a in response.context["page"].object_list]


def test_the_manager_sees_every_row_newest_first(client_for, manager, log):
    response = client_for(manager).get(URL)
    assert response.status_code == 200
    assert [row[2] for row in shown(response)] == ["document", "health", "iban", "national_id"]
    html = response.content.decode()
    assert log["first"].full_name in html and log["first"].national_id not in html
    assert "منى الحربي" in html and "هوية #4" in html


def test_filters_by_person_staff_kind_and_day(client_for, manager, log):
    client = client_for(manager)
    first, second, officer, other = log["first"], log["second"], log["officer"], log["other"]
    by_person = client.get(URL, {"beneficiary": str(first.public_id)})
    assert {row[0] for row in shown(by_person)} == {first.pk} and first.full_name in by_person.content.decode()
    assert {row[1] for row in shown(client.get(URL, {"user": other.pk}))} == {other.pk}
    assert [row[2] for row in shown(client.get(URL, {"field": "health"}))] == ["health"]
    # Days are Riyadh days: 23:30 on the 3rd and 00:30 on the 4th fall on different days.
    assert [row[2] for row in shown(client.get(URL, {"start": "2026-05-04", "end": "2026-05-05"}))] == [
        "health",
        "iban",
    ]
    both = client.get(URL, {"user": officer.pk, "beneficiary": str(second.public_id), "field": "document"})
    assert shown(both) == [(second.pk, officer.pk, "document")]


def test_bad_filters_are_errors_not_crashes(client_for, manager, log):
    client = client_for(manager)
    for params in (
        {"beneficiary": "not-a-uuid"},
        {"user": "999999"},
        {"field": "password"},
        {"start": "2026-02-30"},
        {"start": "2026-05-06", "end": "2026-05-01"},
        {"page": "9999"},
    ):
        response = client.get(URL, params)
        assert response.status_code == 200, params
    # A NUL byte is refused before any view runs (a 400), never a 500.
    assert client.get(URL, {"page": "\x00"}).status_code == 400
    response = client.get(URL, {"start": "2026-05-06", "end": "2026-05-01"})
    assert response.context["form"].errors["end"]


def test_a_page_costs_the_same_queries_whatever_its_rows(client_for, manager, officer, make_user):
    client = client_for(manager)

    def queries():
        client.get(URL)  # warm: the cached reads (kernel.memo) a change of rows retires
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL).status_code == 200
        return len(captured)

    reveal(BeneficiaryFactory(), officer)
    few = queries()
    for _ in range(30):
        reveal(BeneficiaryFactory(), make_user(Role.RELATIONS_OFFICER))
    assert queries() == few
    page_two = client.get(URL, {"page": 2})
    assert len(page_two.context["page"].object_list) == 31 - 25


def test_others_cannot_open_or_export_it(client_for, officer, researcher, log):
    for user in (officer, researcher):
        client = client_for(user)
        assert client.get(URL).status_code == 403
        assert client.post(EXPORT).status_code == 403
    assert not BulkTransfer.objects.exists()


def test_the_export_has_the_filtered_rows_and_is_logged(client_for, manager, log):
    officer = log["officer"]
    officer.first_name = '=HYPERLINK("http://x")'
    officer.save()
    response = client_for(manager).post(EXPORT, {"user": officer.pk})
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 1 + 3  # header, then the officer's three rows
    assert all(row[1].startswith("=HYPERLINK") for row in rows[1:])
    assert all(cell.data_type == "s" for cell in sheet["B"][1:])  # text, never a live formula
    assert log["second"].full_name in {row[5] for row in rows[1:]}
    assert not any(log["first"].national_id in str(value) for row in rows for value in row)
    transfer = BulkTransfer.objects.get()
    assert (transfer.kind, transfer.user, transfer.rows, transfer.file_format) == ("access_log", manager, 3, "xlsx")


def test_the_file_page_links_managers_to_its_own_log(client_for, manager, officer, log):
    person = log["first"]
    link = f"{URL}?beneficiary={person.public_id}"
    assert link in client_for(manager).get(person.get_absolute_url()).content.decode()
    assert link not in client_for(officer).get(person.get_absolute_url()).content.decode()
    assert SensitiveAccess.objects.count() == 4
