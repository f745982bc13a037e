"""Parsed uploads are refused by what they would open into, before or while they are read: a workbook
by its declared uncompressed size and compression ratio, then by its rows and columns while streaming;
a .docx policy by its parts' sizes, then by its lines; a PDF by its pages; a text file by its lines.

Each hostile file is built here (tests/association/bombs.py). The tests assert which limit refused it
(its message, next to the file field) and print the CPU time it cost; they do not assert a time, which
would make them flaky on a shared machine. The finding: a 576 KB workbook of 300,000 rows cost 91 s
and 380 MB before its rejection; a 326 KB .docx cost 142 s and 857 MB.
"""

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from association.policy.importing import MAX_LINES, MAX_PDF_PAGES, PolicyTooLarge, parse_file
from beneficiaries import importing
from beneficiaries.models import Beneficiary
from beneficiaries.resources import COLUMNS, column_label

from . import bombs

pytestmark = pytest.mark.django_db

HEADERS = [column_label(name) for name in COLUMNS]
ROW = ["1000000008", "أحمد", "عبدالله", "سعد", "العتيبي", "ذكر", "1990-05-21", "سعودي", "متزوج", "0551234567", "الرياض"]


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _timed(what, call):
    started = time.process_time()
    result = call()
    print(f"\n{what}: {time.process_time() - started:.2f} s CPU")
    return result


def _arabic(message_id: str, **values) -> str:
    with translation.override("ar"):
        return gettext(message_id) % values


def _upload_beneficiaries(client, name, content):
    return _timed(
        f"beneficiary import of {name} ({len(content) // 1024} KB)",
        lambda: client.post(reverse("beneficiaries:import"), {"file": SimpleUploadedFile(name, content)}),
    )


def _file_error(response) -> str:
    assert response.status_code == 200
    errors = response.context["form"].errors["file"]
    assert errors, "the error is next to the file field"
    return " ".join(errors)


# --- the beneficiaries import (staff page and admin) ----------------------------------------------

ROWS_MESSAGE = "The file has more than %(limit)s rows; import at most %(limit)s at a time."
SIZE_MESSAGE = "This file opens into more than %(limit)s MB; split it into smaller files or remove unused content."
RATIO_MESSAGE = "This file is compressed far more than a real document would be; it is refused."


def test_a_workbook_of_300000_rows_is_refused_by_its_declared_size(client_for, officer):
    content = bombs.xlsx_rows(300_000, ROW, numbered=False)
    assert len(content) < 1024 * 1024  # far within the upload limit: only what it opens into is too much
    response = _upload_beneficiaries(client_for(officer), "big.xlsx", content)
    assert _file_error(response) == _arabic(SIZE_MESSAGE, limit=8)
    assert "beneficiary_import" not in client_for(officer).session
    assert not Beneficiary.objects.exists()
    assert _arabic(SIZE_MESSAGE, limit=8) in response.content.decode()


def test_a_workbook_within_the_size_limits_is_stopped_at_row_5001(client_for, officer):
    content = bombs.xlsx_rows(40_000, ["1"])  # a few MB once opened: the rows, not the size, are too many
    response = _upload_beneficiaries(client_for(officer), "rows.xlsx", content)
    assert _file_error(response) == _arabic(ROWS_MESSAGE, limit=importing.MAX_ROWS)


def test_a_tightly_compressed_workbook_is_refused_by_its_ratio(client_for, officer):
    content = bombs.xlsx_padding(6)  # 6 MB of spaces in about 6 KB
    response = _upload_beneficiaries(client_for(officer), "ratio.xlsx", content)
    assert _file_error(response) == _arabic(RATIO_MESSAGE)


def test_a_workbook_with_thousands_of_columns_is_refused(client_for, officer):
    content = bombs.xlsx_wide(importing.MAX_COLUMNS + 30)
    response = _upload_beneficiaries(client_for(officer), "wide.xlsx", content)
    message = "The file has more than %(limit)s columns; keep only the template's columns."
    assert _file_error(response) == _arabic(message, limit=importing.MAX_COLUMNS)


def test_a_csv_of_300000_rows_is_stopped_at_row_5001(client_for, officer):
    content = ("\n".join([",".join(HEADERS)] + [",".join(ROW)] * 300_000)).encode()[: 5 * 1024 * 1024 - 1]
    response = _upload_beneficiaries(client_for(officer), "big.csv", content)
    assert _file_error(response) == _arabic(ROWS_MESSAGE, limit=importing.MAX_ROWS)


def test_trailing_blank_rows_are_not_data(client_for, officer):
    """A workbook formatted far below its data: the blank rows after the last filled one do not count."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    sheet.append(ROW)
    sheet.cell(row=4000, column=1).number_format = "@"  # formatted, empty
    import io

    buffer = io.BytesIO()
    workbook.save(buffer)
    dataset = importing.read_dataset(buffer.getvalue(), "xlsx")
    assert len(dataset) == 1


def test_the_admin_import_is_bounded_the_same_way(client_for, superuser):
    content = bombs.xlsx_rows(40_000, ["1"])
    response = _timed(
        "admin import of a 40,000-row workbook",
        lambda: client_for(superuser).post(
            reverse("admin:beneficiaries_beneficiary_import"),
            {"import_file": SimpleUploadedFile("rows.xlsx", content), "format": "0"},
        ),
    )
    assert response.status_code == 200
    assert _arabic(ROWS_MESSAGE, limit=importing.MAX_ROWS) in response.context["form"].errors["import_file"]
    assert not Beneficiary.objects.exists()


# --- the policy import ----------------------------------------------------------------------------

LINES_MESSAGE = (
    "The file has more than %(limit)s lines of text; a policy document is much shorter. Check that this is the "
    "right file."
)


def _import_policy(client, name, content):
    return _timed(
        f"policy import of {name} ({len(content) // 1024} KB)",
        lambda: client.post(reverse("policy:import"), {"step": "upload", "file": SimpleUploadedFile(name, content)}),
    )


def _policy_file_error(response) -> str:
    assert response.status_code == 200
    assert response.context["form"] is None  # no preview
    return " ".join(response.context["upload_form"].errors["file"])


def test_a_docx_declaring_hundreds_of_thousands_of_paragraphs_is_refused_by_size(client_for, manager):
    content = bombs.docx_paragraphs(300_000)
    assert len(content) < 1024 * 1024
    response = _import_policy(client_for(manager), "policy.docx", content)
    assert _policy_file_error(response) == _arabic(SIZE_MESSAGE, limit=5)


def test_a_docx_within_the_size_limits_is_stopped_at_its_line_limit(client_for, manager):
    content = bombs.docx_paragraphs(MAX_LINES + 3000)
    response = _import_policy(client_for(manager), "policy.docx", content)
    assert _policy_file_error(response) == _arabic(LINES_MESSAGE, limit=MAX_LINES)


def test_a_pdf_of_too_many_pages_is_refused(client_for, manager):
    content = bombs.pdf_pages(MAX_PDF_PAGES + 50)
    response = _import_policy(client_for(manager), "policy.pdf", content)
    message = (
        "The PDF has more than %(limit)s pages; a policy document is much shorter. Check that this is the right file."
    )
    assert _policy_file_error(response) == _arabic(message, limit=MAX_PDF_PAGES)


def test_a_text_file_of_too_many_lines_is_refused():
    with pytest.raises(PolicyTooLarge):
        parse_file(("سطر\n" * (MAX_LINES + 1)).encode(), "policy.txt")


def test_a_long_but_real_policy_still_reads_quickly():
    """The reader's own cost: 2,000 paragraphs (far longer than a real policy) read in well under a second
    of CPU once style names are resolved once, not per paragraph (it was 2 ms a paragraph)."""
    parsed = _timed("policy of 2,000 paragraphs", lambda: parse_file(bombs.docx_paragraphs(2000), "policy.docx"))
    assert parsed.title


# --- images drawn into PDFs (a signed declaration's scan or on-screen signature) ------------------

PIXELS_MESSAGE = "This image is too large to be printed: the limit is %(limit)s million pixels."


def test_an_image_declaring_billions_of_pixels_is_refused_as_a_document(client_for, officer):
    from beneficiaries.models import Document
    from tests.factories import BeneficiaryFactory, DocumentTypeFactory

    beneficiary = BeneficiaryFactory()
    content = bombs.png_pixels(60_000, 60_000)
    assert len(content) < 64 * 1024
    response = _timed(
        "document upload of a 3.6-billion-pixel PNG",
        lambda: client_for(officer).post(
            reverse("beneficiaries:document_upload", args=[beneficiary.public_id]),
            {"document_type": DocumentTypeFactory().pk, "file": SimpleUploadedFile("scan.png", content)},
        ),
    )
    assert response.status_code == 400
    assert _arabic(PIXELS_MESSAGE, limit=36) in response.content.decode()
    assert not Document.objects.exists()


def test_an_on_screen_signature_declaring_billions_of_pixels_is_refused(officer):
    import base64

    from django.core.exceptions import ValidationError

    from requests_app import services
    from tests.factories import SupportRequestFactory

    support_request = SupportRequestFactory(created_by=officer)
    data_url = "data:image/png;base64," + base64.b64encode(bombs.png_pixels(40_000, 40_000)).decode()
    with pytest.raises(ValidationError) as refused:
        services.declaration_sign(support_request=support_request, actor=officer, signature_data=data_url)
    assert "signature_data" in refused.value.message_dict


def test_a_real_scan_size_image_is_accepted():
    from association.kernel.uploads import check_image_pixels

    check_image_pixels(bombs.png_pixels(4960, 7016))  # A4 at 600 dpi
