"""Who may import and export, the logged full-value export, and the admin's import/export through the
same resource."""

import csv
import datetime as dt
import io

import openpyxl
import pytest
from django.contrib.admin import site
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.urls import reverse
from import_export.formats.base_formats import XLSX

from association.kernel.roles import Role
from beneficiaries import services
from beneficiaries.admin import BeneficiaryAdmin
from beneficiaries.models import Beneficiary, BulkTransfer, Consent
from beneficiaries.resources import COLUMNS, column_label
from tests.factories import BeneficiaryFactory

from .import_files import ImportFile, valid_row


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def three_rows_csv() -> bytes:
    return ImportFile(rows=[valid_row(n) for n in range(3)]).csv()


@pytest.mark.parametrize("role", [Role.RELATIONS_OFFICER, Role.MANAGER])
def test_officer_and_manager_hold_the_import_permission(make_user, role):
    assert make_user(role).has_perm("beneficiaries.import_beneficiary")


@pytest.mark.parametrize("role", [Role.SOCIAL_RESEARCHER, Role.COMMITTEE_MEMBER, Role.COMMITTEE_CHAIR])
def test_other_roles_may_not_import(make_user, client_for, role):
    user = make_user(role)
    assert not user.has_perm("beneficiaries.import_beneficiary")
    response = client_for(user).post(
        reverse("beneficiaries:import"), {"file": SimpleUploadedFile("x.csv", three_rows_csv())}
    )
    assert response.status_code == 403
    assert not Beneficiary.objects.exists()


def test_only_the_manager_role_may_export(make_user):
    holders = [role for role in Role if make_user(role).has_perms(services.EXPORT_PERMISSIONS)]
    assert holders == [Role.MANAGER]


def test_the_import_service_refuses_an_actor_without_the_permission(researcher):
    with pytest.raises(PermissionDenied):
        services.beneficiary_import(actor=researcher, content=three_rows_csv(), file_name="x.csv", expected_rows=3)
    assert not Beneficiary.objects.exists()


def test_confirm_is_post_only(client_for, officer):
    assert client_for(officer).get(reverse("beneficiaries:import_confirm")).status_code == 405


def test_export_is_post_only(client_for, manager):
    assert client_for(manager).get(reverse("beneficiaries:export")).status_code == 405


def test_officer_cannot_export_even_with_view_sensitive(client_for, officer):
    BeneficiaryFactory()
    assert officer.has_perm("beneficiaries.view_sensitive")
    response = client_for(officer).post(reverse("beneficiaries:export"), {"file_format": "xlsx"})
    assert response.status_code == 403
    assert not BulkTransfer.objects.exists()
    with pytest.raises(PermissionDenied):
        services.beneficiary_export(actor=officer, queryset=Beneficiary.objects.all(), file_format="csv")


def test_manager_exports_full_values_to_xlsx_and_it_is_logged(client_for, manager):
    people = [BeneficiaryFactory(iban=valid_row(0)["iban"], health_notes="سكري"), BeneficiaryFactory()]
    response = client_for(manager).post(reverse("beneficiaries:export"), {"file_format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX.CONTENT_TYPE
    assert "no-store" in response["Cache-Control"]
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0] == tuple(column_label(c) for c in COLUMNS)
    by_id = {row[0]: dict(zip(COLUMNS, row, strict=True)) for row in rows[1:]}
    assert set(by_id) == {p.national_id for p in people}  # full IDs, not masked
    first = by_id[people[0].national_id]
    assert first["iban"] == people[0].iban and first["health_notes"] == "سكري"
    assert first["mobile"] == people[0].mobile_local
    transfer = BulkTransfer.objects.get()
    assert (transfer.kind, transfer.user, transfer.file_format, transfer.rows) == ("export", manager, "xlsx", 2)


def test_csv_export_opens_in_excel_and_imports_back(client_for, manager):
    """The export's headers and values are the import's: re-importing it finds every row already registered."""
    people = [BeneficiaryFactory(birth_date=dt.date(1970, 1, 2 + n)) for n in range(3)]
    response = client_for(manager).post(reverse("beneficiaries:export"), {"file_format": "csv"})
    assert response.content.startswith("\ufeff".encode())
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert table[0] == [column_label(c) for c in COLUMNS]
    assert sorted(row[0] for row in table[1:]) == sorted(p.national_id for p in people)

    client = client_for(manager)
    client.post(reverse("beneficiaries:import"), {"file": SimpleUploadedFile("back.csv", response.content)})
    preview = client.get(reverse("beneficiaries:import_preview")).context["preview"]
    assert (preview.valid, preview.invalid) == (0, 3)
    for problem in preview.problems:
        assert [column for column, _reasons in problem.reasons] == [column_label("national_id")]


def test_export_escapes_cells_that_a_spreadsheet_would_run_as_formulas(manager):
    BeneficiaryFactory(district="=HYPERLINK(1)")
    content = services.beneficiary_export(actor=manager, queryset=Beneficiary.objects.all(), file_format="csv")
    assert "'=HYPERLINK(1)" in content.decode("utf-8-sig")


def test_a_bad_export_format_is_a_400_not_a_500(client_for, manager):
    response = client_for(manager).post(reverse("beneficiaries:export"), {"file_format": "pdf"})
    assert response.status_code == 400
    assert not BulkTransfer.objects.exists()


# --- the admin ---------------------------------------------------------------------------------


def test_admin_export_goes_through_the_logged_service(superuser, make_user):
    BeneficiaryFactory()
    admin = BeneficiaryAdmin(Beneficiary, site)
    request = RequestFactory().post("/")
    request.user = superuser
    content = admin.get_export_data(XLSX(), request, Beneficiary.objects.all())
    assert openpyxl.load_workbook(io.BytesIO(content)).active.max_row == 2
    assert BulkTransfer.objects.get().user == superuser

    staff_without_export = make_user(Role.RELATIONS_OFFICER, is_staff=True)
    request.user = staff_without_export
    assert not admin.has_export_permission(request)
    with pytest.raises(PermissionDenied):
        admin.get_export_data(XLSX(), request, Beneficiary.objects.all())
    assert BulkTransfer.objects.count() == 1


def test_admin_import_page_needs_the_import_permission(client_for, make_user, superuser):
    url = reverse("admin:beneficiaries_beneficiary_import")
    staff_researcher = make_user(Role.SOCIAL_RESEARCHER, is_staff=True)
    assert client_for(staff_researcher).get(url).status_code == 403
    assert client_for(superuser).get(url).status_code == 200


def test_admin_import_uses_the_same_resource_and_records_consent(client_for, superuser):
    client = client_for(superuser)
    response = client.post(
        reverse("admin:beneficiaries_beneficiary_import"),
        {"import_file": SimpleUploadedFile("admin.csv", three_rows_csv()), "format": "1"},
    )
    assert response.status_code == 200
    result = response.context["result"]
    assert not result.has_errors() and not result.has_validation_errors()
    confirm = response.context["confirm_form"]
    response = client.post(reverse("admin:beneficiaries_beneficiary_process_import"), confirm.initial)
    assert response.status_code == 302

    assert Beneficiary.objects.count() == 3
    assert set(Beneficiary.objects.values_list("created_by", flat=True)) == {superuser.pk}
    transfer = BulkTransfer.objects.get(kind=BulkTransfer.Kind.IMPORT)
    assert (transfer.user, transfer.rows, transfer.file_format) == (superuser, 3, "csv")
    assert Consent.objects.filter(source_import=transfer, purpose=Consent.Purpose.DATA_PROCESSING).count() == 3


def test_admin_import_shows_bad_rows_and_imports_nothing(client_for, superuser):
    rows = [valid_row(n) for n in range(3)]
    rows[1]["mobile"] = "0412345678"
    response = client_for(superuser).post(
        reverse("admin:beneficiaries_beneficiary_import"),
        {"import_file": SimpleUploadedFile("admin.csv", ImportFile(rows=rows).csv()), "format": "1"},
    )
    result = response.context["result"]
    assert [row.number for row in result.invalid_rows] == [2]
    assert list(result.invalid_rows[0].field_specific_errors) == ["mobile"]
    assert "confirm_form" not in response.context or response.context["confirm_form"] is None
    assert not Beneficiary.objects.exists()
