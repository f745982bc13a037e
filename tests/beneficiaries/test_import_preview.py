"""The staff import page: a 1,000-row file with 50 bad rows is previewed row by row, then exactly
the 950 valid rows are imported in one transaction."""

import contextlib
import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.translation import gettext

from association.kernel.dates import parse_date_any
from association.kernel.identifiers import normalize_iban, normalize_mobile, normalize_national_id
from beneficiaries.models import Beneficiary, BulkTransfer, Consent, ImportRun
from beneficiaries.resources import column_label
from beneficiaries.search import national_id_hash
from beneficiaries.views import IMPORT_SESSION_KEY
from tests.factories import BeneficiaryFactory

from .import_files import ImportFile, confirm, thousand_rows_with_fifty_bad, valid_row, worker_runs_tasks

VALIDATORS = {
    "national_id": normalize_national_id,
    "iban": normalize_iban,
    "mobile": normalize_mobile,
    "birth_date": parse_date_any,
}


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def big_file(db) -> ImportFile:
    data = thousand_rows_with_fifty_bad()
    for national_id in data.registered_ids:
        BeneficiaryFactory(national_id=national_id)
    return data


def upload(client, content: bytes, name: str):
    return client.post(reverse("beneficiaries:import"), {"file": SimpleUploadedFile(name, content)})


def preview(client):
    response = client.get(reverse("beneficiaries:import_preview"))
    assert response.status_code == 200
    return response


def expected_message(data: ImportFile, line: int, field: str, hint: str | None) -> str:
    if hint == "registered":
        return gettext("A beneficiary with this ID number is already registered.")
    if hint is not None:  # the same ID twice: the message names both lines
        return hint
    with pytest.raises(ValidationError) as caught:
        VALIDATORS[field](data.rows[line - 2][field])
    return " ".join(caught.value.messages)


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_preview_lists_exactly_the_50_bad_rows_with_their_reasons(client_for, officer, big_file, file_format):
    client = client_for(officer)
    response = upload(client, big_file.content(file_format), f"beneficiaries.{file_format}")
    assert response.status_code == 302 and response["Location"] == reverse("beneficiaries:import_preview")

    response = preview(client)
    result = response.context["preview"]
    assert (result.total, result.valid, result.invalid) == (1000, 950, 50)
    assert [p.line for p in result.problems] == sorted(big_file.bad)
    for problem in result.problems:
        ((field, hint),) = big_file.bad[problem.line].items()
        reasons = dict(problem.reasons)
        assert list(reasons) == [column_label(field)], (problem.line, reasons)
        message = expected_message(big_file, problem.line, field, hint)
        assert any(message in reason for reason in reasons[column_label(field)]), (problem.line, reasons, message)
    # The page shows every bad row with its line number, and offers to import the 950.
    html = response.content.decode()
    for line in big_file.bad:
        assert f'data-line="{line}"' in html
    assert "950" in html and reverse("beneficiaries:import_confirm") in html
    # Nothing is saved by the preview.
    assert Beneficiary.objects.count() == len(big_file.registered_ids)


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_confirm_imports_exactly_the_950_valid_rows_with_consent_and_log(
    client_for, officer, big_file, file_format, settings
):
    client = client_for(officer)
    upload(client, big_file.content(file_format), f"beneficiaries.{file_format}")
    preview(client)
    stash_token = client.session[IMPORT_SESSION_KEY]["token"]

    # Bulk writes, and duplicates looked up once for the whole file: no query per row (the worker's
    # queries included: the task runs when the confirmation commits).
    with CaptureQueriesContext(connection) as queries, worker_runs_tasks():
        response = client.post(reverse("beneficiaries:import_confirm"), {"expected_rows": 950})
    run = ImportRun.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("beneficiaries:import_run", args=[run.pk])
    sql = [q["sql"] for q in queries.captured_queries]
    table = Beneficiary._meta.db_table
    assert len([q for q in sql if q.startswith("SELECT") and f'FROM "{table}"' in q]) == 1
    # Inserts go in batches (SQLite caps a statement at 999 parameters: 37 rows of 27 columns; PostgreSQL: 1,000).
    assert len([q for q in sql if q.startswith(f'INSERT INTO "{table}"')]) <= 30
    assert len(sql) < 60

    imported = Beneficiary.objects.exclude(national_id_hash__in=[national_id_hash(n) for n in big_file.registered_ids])
    assert imported.count() == 950
    assert set(imported.values_list("created_by", flat=True)) == {officer.pk}
    transfer = BulkTransfer.objects.get(kind=BulkTransfer.Kind.IMPORT)
    assert (transfer.user, transfer.rows, transfer.rejected_rows) == (officer, 950, 50)
    assert (transfer.file_format, transfer.file_name) == (file_format, f"beneficiaries.{file_format}")
    consents = Consent.objects.filter(source_import=transfer)
    assert consents.count() == 950
    assert set(consents.values_list("purpose", flat=True)) == {Consent.Purpose.DATA_PROCESSING}
    assert set(consents.values_list("recorded_by", flat=True)) == {officer.pk}
    assert set(consents.values_list("beneficiary", flat=True)) == set(imported.values_list("pk", flat=True))
    # No bad row slipped in: none of their national IDs is registered except the pre-registered ones.
    bad_ids = set()
    for line in big_file.bad:
        with contextlib.suppress(ValidationError):
            bad_ids.add(normalize_national_id(big_file.rows[line - 2]["national_id"]))
    assert not imported.filter(national_id_hash__in=[national_id_hash(n) for n in bad_ids]).exists()
    # The run's page says so and links to the list; the stashed file and the session entry are gone.
    page = client.get(response["Location"])
    assert page.context["run"].status == ImportRun.Status.DONE and page.context["run"].transfer == transfer
    assert reverse("beneficiaries:list") in page.content.decode()
    assert IMPORT_SESSION_KEY not in client.session
    assert not (settings.MEDIA_ROOT / "private" / "imports" / f"{stash_token}.upload").exists()


def test_imported_values_are_normalised(client_for, officer, db):
    data = ImportFile(rows=[valid_row(n) for n in range(5)])
    client = client_for(officer)
    upload(client, data.csv(), "five.csv")
    assert preview(client).context["preview"].valid == 5
    confirm(client, 5)

    hijri = Beneficiary.objects.get(family_name="العتيبي1")  # Arabic-Indic ID, Hijri date, 9665… mobile
    assert hijri.national_id == normalize_national_id(data.rows[1]["national_id"])
    assert hijri.national_id.isascii()
    assert hijri.birth_date.isoformat() == "1990-05-21"  # 1410-10-26 هـ in Umm al-Qura
    assert hijri.mobile == "+966550000001"
    assert (hijri.gender, hijri.marital_status) == (Beneficiary.Gender.FEMALE, Beneficiary.MaritalStatus.WIDOWED)
    first = Beneficiary.objects.get(family_name="العتيبي0")
    assert first.iban == normalize_iban(data.rows[0]["iban"]) and first.bank_name == "مصرف الراجحي"
    assert first.id_type == Beneficiary.IdType.RESIDENT  # row 0 is a resident (2…)
    assert first.name_normalized == "احمد عبدالله سعد العتيبي0"
    third = Beneficiary.objects.get(family_name="العتيبي2")
    assert third.nationality == "سعودي"  # empty cell → the default


def test_a_failure_mid_import_imports_nothing(client_for, officer, big_file):
    """A database refusal on row 700 (after the first bulk batch of 500 is written) rolls back all."""
    client = client_for(officer)
    upload(client, big_file.content("xlsx"), "beneficiaries.xlsx")
    preview(client)
    poisoned = national_id_hash(normalize_national_id(big_file.rows[700]["national_id"]))  # the ID is encrypted
    table = Beneficiary._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE FUNCTION refuse_poisoned() RETURNS trigger AS $$ BEGIN "
                f"IF NEW.national_id_hash = '{poisoned}' THEN RAISE EXCEPTION 'refused'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql"
            )
            cursor.execute(
                f"CREATE TRIGGER refuse_poisoned BEFORE INSERT ON {table} FOR EACH ROW EXECUTE FUNCTION refuse_poisoned()"
            )
        else:
            cursor.execute(
                f"CREATE TRIGGER refuse_poisoned BEFORE INSERT ON {table} "
                f"WHEN NEW.national_id_hash = '{poisoned}' BEGIN SELECT RAISE(ABORT, 'refused'); END"
            )
    before = Beneficiary.objects.count()

    response = confirm(client, 950)

    assert Beneficiary.objects.count() == before
    assert not Consent.objects.exists()
    assert not BulkTransfer.objects.exists()
    assert response.context["run"].status == ImportRun.Status.FAILED
    error = gettext("The import failed and nothing was imported; check the file and try again.")
    assert response.context["run"].error == error and error in response.content.decode()
    # The file is kept: the officer can fix the cause and confirm again from the preview.
    assert IMPORT_SESSION_KEY in client.session
    assert response.context["can_retry"] and reverse("beneficiaries:import_preview") in response.content.decode()


def test_confirm_refuses_when_the_file_no_longer_matches_the_preview(client_for, officer, big_file):
    client = client_for(officer)
    upload(client, big_file.content("csv"), "beneficiaries.csv")
    preview(client)
    # Someone registers one of the file's valid people between the preview and the confirmation.
    BeneficiaryFactory(national_id=normalize_national_id(big_file.rows[0]["national_id"]))
    before = Beneficiary.objects.count()

    response = confirm(client, 950)

    assert Beneficiary.objects.count() == before
    assert not BulkTransfer.objects.exists()
    error = response.context["run"].error
    assert response.context["run"].status == ImportRun.Status.FAILED and "949" in error and "950" in error
    assert preview(client).context["preview"].valid == 949  # the preview, asked again, is recomputed


def test_a_count_sent_by_the_browser_cannot_widen_the_import(client_for, officer, big_file):
    client = client_for(officer)
    upload(client, big_file.content("csv"), "beneficiaries.csv")
    preview(client)
    before = Beneficiary.objects.count()
    assert confirm(client, 1000).context["run"].status == ImportRun.Status.FAILED
    assert Beneficiary.objects.count() == before


def test_the_file_is_bound_to_the_uploaders_session(client_for, officer, make_user, big_file):
    client = client_for(officer)
    upload(client, big_file.content("csv"), "beneficiaries.csv")
    from django.test import Client

    other = Client()
    other.force_login(make_user("relations_officer"))
    response = other.post(reverse("beneficiaries:import_confirm"), {"expected_rows": 950})
    assert response.status_code == 302 and response["Location"] == reverse("beneficiaries:import")
    assert Beneficiary.objects.count() == len(big_file.registered_ids)


def test_the_stash_lives_under_a_private_random_name(client_for, officer, db, settings):
    data = ImportFile(rows=[valid_row(n) for n in range(3)])
    client = client_for(officer)
    upload(client, data.csv(), "ahmad-1234567890.csv")
    token = client.session[IMPORT_SESSION_KEY]["token"]
    stashed = list((settings.MEDIA_ROOT / "private" / "imports").iterdir())
    assert [p.name for p in stashed] == [f"{token}.upload"]
    assert "1234567890" not in stashed[0].name
    assert stashed[0].stat().st_mode & 0o077 == 0
    client.post(reverse("beneficiaries:import_cancel"))
    assert not list((settings.MEDIA_ROOT / "private" / "imports").iterdir())
    assert IMPORT_SESSION_KEY not in client.session


@pytest.mark.parametrize(
    ("name", "content", "code_text"),
    [
        ("people.pdf", b"%PDF-1.4", "Upload an Excel workbook (.xlsx) or a CSV file."),
        ("people.xlsx", b"<html>not a workbook</html>", "This file is not an Excel workbook (.xlsx)."),
        ("people.csv", b"", "The submitted file is empty."),
    ],
)
def test_unreadable_files_get_an_error_at_the_field(client_for, officer, name, content, code_text):
    response = upload(client_for(officer), content, name)
    assert response.status_code == 200
    assert gettext(code_text) in response.context["form"].errors["file"][0]
    assert IMPORT_SESSION_KEY not in response.wsgi_request.session


def test_a_file_without_required_columns_is_refused_naming_them(client_for, officer, db):
    content = (column_label("national_id") + "," + column_label("first_name") + "\n1000000008,أحمد\n").encode()
    response = upload(client_for(officer), content, "partial.csv")
    error = response.context["form"].errors["file"][0]
    assert column_label("mobile") in error and column_label("birth_date") in error
    assert column_label("first_name") not in error


def test_english_headers_and_field_names_are_accepted(client_for, officer, db):
    from django.utils import translation

    from beneficiaries.resources import COLUMNS

    rows = [valid_row(n) for n in range(2)]
    with translation.override("en"):
        header = [str(Beneficiary._meta.get_field(c).verbose_name) for c in COLUMNS[:8]] + COLUMNS[8:]
    lines = [",".join(header)] + [",".join(row[c] for c in COLUMNS) for row in rows]
    client = client_for(officer)
    upload(client, "\n".join(lines).encode(), "english.csv")
    assert preview(client).context["preview"].valid == 2


def test_cp1256_csv_from_excel_is_read(client_for, officer, db):
    data = ImportFile(rows=[valid_row(n) for n in (0, 3)])  # cp1256 has no Arabic-Indic digits: rows without them
    content = data.csv().decode("utf-8-sig").encode("cp1256")
    client = client_for(officer)
    upload(client, content, "excel.csv")
    assert preview(client).context["preview"].valid == 2


def test_preview_query_count_does_not_grow_with_rows(client_for, officer, db):
    counts = []
    for size in (5, 50):
        data = ImportFile(rows=[valid_row(1000 + size + n) for n in range(size)])
        client = client_for(officer)
        upload(client, data.csv(), "rows.csv")
        preview(client)  # warm: the cached reads (kernel.memo) a change of rows retires
        with CaptureQueriesContext(connection) as queries:
            assert preview(client).context["preview"].valid == size
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_template_download_is_an_empty_workbook_with_the_headers(client_for, officer, db):
    import io

    import openpyxl

    from beneficiaries.resources import COLUMNS

    response = client_for(officer).get(reverse("beneficiaries:import_template"))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows == [tuple(column_label(c) for c in COLUMNS)]
    assert column_label("national_id") == "رقم الهوية / الإقامة"


def test_blank_lines_are_skipped_not_reported(client_for, officer, db):
    data = ImportFile(rows=[valid_row(n) for n in range(3)])
    table = data.as_table()
    table.insert(2, [""] * len(table[0]))
    table.append([None] * len(table[0]))
    book = openpyxl.Workbook()
    for values in table:
        book.active.append(values)
    out = io.BytesIO()
    book.save(out)
    client = client_for(officer)
    upload(client, out.getvalue(), "gaps.xlsx")
    result = preview(client).context["preview"]
    assert (result.total, result.valid, result.invalid) == (3, 3, 0)
    confirm(client, 3)
    assert Beneficiary.objects.count() == 3
