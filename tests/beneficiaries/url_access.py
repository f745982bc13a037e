from association.kernel.roles import Role
from tests.factories import BeneficiaryFactory, DocumentTypeFactory
from tests.url_access import ALL_ROLES, BAD_REQUEST, NOT_FOUND, staff

R = Role


def _beneficiary():
    return {"public_id": BeneficiaryFactory().public_id}


def _document():
    from django.core.files.base import ContentFile

    from beneficiaries.models import Document

    document = Document(
        beneficiary=BeneficiaryFactory(), document_type=DocumentTypeFactory(), content_type="application/pdf"
    )
    document.file.save("x.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
    document.save()
    return {"pk": document.pk}


def _someone_elses_import_run():
    from beneficiaries.models import ImportRun
    from tests.factories import UserFactory

    run = ImportRun.objects.create(user=UserFactory(role=R.RELATIONS_OFFICER), token="x" * 32, expected_rows=3)
    return {"pk": run.pk}


def _member():
    from beneficiaries.models import HouseholdMember

    member = HouseholdMember.objects.create(
        beneficiary=BeneficiaryFactory(), relation="son", name="سعد", national_id="1000000008"
    )
    return {"public_id": member.beneficiary.public_id, "pk": member.pk}


INTAKE = [R.RELATIONS_OFFICER]
# Field intake: a representative registers people at their location (and changes nothing afterwards).
FIELD = [R.RELATIONS_OFFICER, R.REPRESENTATIVE]
READERS = ALL_ROLES
# A social researcher sees the sensitive data of assigned people only (none here):
# tests/beneficiaries/test_assigned_access.py covers the assigned case.
SENSITIVE = [R.RELATIONS_OFFICER, R.MANAGER]
IMPORTERS = [R.RELATIONS_OFFICER, R.MANAGER]


def _subject_request():
    from django.utils import timezone

    from beneficiaries.models import SubjectRequest

    subject_request = SubjectRequest.objects.create(
        beneficiary=BeneficiaryFactory(), kind="erasure", received_on=timezone.localdate()
    )
    return {"pk": subject_request.pk}


URLS = {
    "beneficiaries:desk": {"expect": staff(FIELD)},
    "beneficiaries:list": {"expect": staff(READERS)},
    "beneficiaries:register": {"expect": staff(FIELD)},
    "beneficiaries:detail": {"kwargs": _beneficiary, "expect": staff(READERS)},
    "beneficiaries:edit": {"kwargs": _beneficiary, "expect": staff(INTAKE)},
    "beneficiaries:reveal": {
        "kwargs": lambda: {**_beneficiary(), "field": "national_id"},
        "method": "post",
        "expect": staff(SENSITIVE),
    },
    "beneficiaries:reveal_member": {"kwargs": _member, "method": "post", "expect": staff(SENSITIVE)},
    "beneficiaries:history": {"kwargs": _beneficiary, "expect": staff(READERS)},
    "beneficiaries:timeline": {"kwargs": _beneficiary, "expect": staff(READERS)},
    "beneficiaries:access_log": {"expect": staff([R.MANAGER])},
    "beneficiaries:access_log_export": {"method": "post", "expect": staff([R.MANAGER])},
    "beneficiaries:export_log": {"expect": staff([R.MANAGER])},
    "beneficiaries:export_log_export": {"method": "post", "expect": staff([R.MANAGER])},
    # Data protection (PDPL): requests about a person's data, their export, consent from their page.
    "beneficiaries:subject_requests": {"expect": staff([R.RELATIONS_OFFICER, R.MANAGER])},
    "beneficiaries:subject_request": {"kwargs": _subject_request, "expect": staff([R.RELATIONS_OFFICER, R.MANAGER])},
    "beneficiaries:subject_request_new": {"kwargs": _beneficiary, "expect": staff([R.RELATIONS_OFFICER, R.MANAGER])},
    # Sent with no form: the outcome is missing (400 with the page), past the permission check.
    "beneficiaries:subject_request_close": {
        "kwargs": _subject_request,
        "method": "post",
        "expect": staff([R.RELATIONS_OFFICER, R.MANAGER], answer=BAD_REQUEST),
    },
    "beneficiaries:erasure_decide": {
        "kwargs": _subject_request,
        "method": "post",
        "expect": staff([R.MANAGER], answer=BAD_REQUEST),
    },
    "beneficiaries:subject_export": {
        "kwargs": _beneficiary,
        "method": "post",
        "expect": staff([R.RELATIONS_OFFICER, R.MANAGER], answer=BAD_REQUEST),
    },
    "beneficiaries:consent_change": {
        "kwargs": _beneficiary,
        "method": "post",
        "expect": staff([R.RELATIONS_OFFICER], answer=BAD_REQUEST),
    },
    # Sent with no file: the uploader gets past the permission check and the form is refused (400).
    "beneficiaries:document_upload": {
        "kwargs": _beneficiary,
        "method": "post",
        "expect": staff([R.RELATIONS_OFFICER, R.SOCIAL_RESEARCHER, R.REPRESENTATIVE], answer=BAD_REQUEST),
    },
    "beneficiaries:document_verify": {"kwargs": _document, "method": "post", "expect": staff(INTAKE)},
    "beneficiaries:document_file": {"kwargs": _document, "expect": staff(SENSITIVE)},
    "beneficiaries:import": {"expect": staff(IMPORTERS)},
    "beneficiaries:import_preview": {"expect": staff(IMPORTERS)},
    "beneficiaries:import_confirm": {"method": "post", "expect": staff(IMPORTERS)},
    "beneficiaries:import_cancel": {"method": "post", "expect": staff(IMPORTERS)},
    # Another officer's import: every importer (even the superuser) gets 404; only its uploader sees it.
    "beneficiaries:import_run": {"kwargs": _someone_elses_import_run, "expect": staff(IMPORTERS, answer=NOT_FOUND)},
    "beneficiaries:import_template": {"expect": staff(IMPORTERS)},
    # Sent with no format chosen: refused (400) once the permissions are checked.
    "beneficiaries:export": {"method": "post", "expect": staff([R.MANAGER], answer=BAD_REQUEST)},
}
