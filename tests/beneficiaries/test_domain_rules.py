"""The registry's rules live in the domain, so no path skips them: validators on the model fields, ``full_clean``
in the services, derived fields computed in one place, every write service authorizing its actor, and admin
screens that go through the services or are read-only."""

import datetime as dt

import pytest
from django.contrib.admin.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from schwifty import IBAN

from beneficiaries import services
from beneficiaries.models import Beneficiary, Consent, Document, HouseholdMember
from tests.factories import BeneficiaryFactory, DocumentTypeFactory, SupportRequestFactory, valid_national_id

from .test_edit_masking import admin_post, admin_url

pytestmark = pytest.mark.django_db

NATIONAL_ID = valid_national_id(71234567)
RAJHI_IBAN = IBAN.generate("SA", bank_code="80", account_code="000000000000123456").compact
AHLI_IBAN = IBAN.generate("SA", bank_code="10", account_code="000000000000987654").compact
STILL_OPEN = "للمستفيد طلب دعم ما زال مفتوحًا."  # the requests app's reason (Arabic: the portal's language)
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"


def _profile(**overrides) -> dict:
    data = {
        "national_id": NATIONAL_ID,
        "first_name": "خالد",
        "father_name": "عبدالله",
        "grandfather_name": "سعد",
        "family_name": "الحربي",
        "gender": "male",
        "birth_date": dt.date(1985, 4, 2),
        "nationality": "سعودي",
        "marital_status": "married",
        "mobile": "+966551234567",
        "city": "الرياض",
        "iban": RAJHI_IBAN,
    }
    data.update(overrides)
    return data


# --- validators on the model fields ------------------------------------------------------------------

# Each refused value: written another way (the forms would normalise it, a model never does), or wrong.
BAD_VALUES = {
    "national_id": [
        NATIONAL_ID[:-1] + str((int(NATIONAL_ID[-1]) + 1) % 10),  # check digit
        f"{NATIONAL_ID[:5]} {NATIONAL_ID[5:]}",  # grouped
        NATIONAL_ID.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")),  # Arabic-Indic digits
        "3" + NATIONAL_ID[1:],  # neither citizen nor resident
    ],
    "mobile": ["0551234567", "+96655123456", "+966 55 123 4567", "+966112345678"],
    "iban": [RAJHI_IBAN.lower(), " ".join(RAJHI_IBAN[i : i + 4] for i in range(0, 24, 4)), RAJHI_IBAN[:-1] + "0"],
}


@pytest.mark.parametrize(("field", "value"), [(f, v) for f, values in BAD_VALUES.items() for v in values])
def test_full_clean_refuses_an_identifier_not_in_its_one_written_form(field, value):
    person = BeneficiaryFactory()
    setattr(person, field, value)
    with pytest.raises(ValidationError) as info:
        person.full_clean(validate_unique=False)
    assert list(info.value.message_dict) == [field]


def test_full_clean_accepts_the_normalised_identifiers():
    person = BeneficiaryFactory(national_id=NATIONAL_ID, mobile="+966551234567", iban=AHLI_IBAN)
    person.full_clean()  # nothing raised
    person.iban = ""
    person.full_clean()  # the IBAN is optional


def test_a_household_members_id_is_validated_too():
    member = HouseholdMember(beneficiary=BeneficiaryFactory(), relation="son", name="سعد", national_id="1234567890")
    with pytest.raises(ValidationError) as info:
        member.full_clean()
    assert "national_id" in info.value.message_dict


def test_registering_with_unchecked_data_saves_nothing(officer):
    with pytest.raises(ValidationError) as info:
        services.beneficiary_register(
            actor=officer, data=_profile(mobile="0551234567", iban="sa00"), consents=["data_processing"]
        )
    assert {"mobile", "iban"} <= set(info.value.message_dict)
    assert not Beneficiary.objects.exists() and not Consent.objects.exists()


def test_a_household_members_error_is_a_household_error_not_the_persons(officer):
    person = BeneficiaryFactory()
    with pytest.raises(ValidationError) as info:
        services.beneficiary_update(
            beneficiary=person,
            actor=officer,
            expected_version=1,
            data={},
            household=[{"relation": "son", "name": "سعد", "national_id": "1234567890", "monthly_income": 0}],
        )
    assert list(info.value.message_dict) == ["household"] and info.value.messages[0].startswith("سعد: ")
    assert not person.household.exists() and Beneficiary.objects.get(pk=person.pk).version == 1


# --- derived fields: computed in one place -------------------------------------------------------------


def test_the_derived_fields_follow_every_save():
    person = Beneficiary(**_profile(national_id=valid_national_id(21234567, resident=True), first_name="أحمد"))
    person.save()
    assert (person.id_type, person.bank_name) == (Beneficiary.IdType.RESIDENT, "مصرف الراجحي")
    assert person.name_normalized == "احمد عبدالله سعد الحربي"
    person.iban = AHLI_IBAN
    person.first_name = "إبراهيم"
    person.save(update_fields=["iban", "first_name"])  # a partial save writes what it derived too
    stored = Beneficiary.objects.get(pk=person.pk)
    assert stored.bank_name == "البنك الأهلي السعودي" and stored.name_normalized.startswith("ابراهيم ")
    person.iban = ""
    person.save()
    assert Beneficiary.objects.get(pk=person.pk).bank_name == ""


# --- every write service authorizes its actor ------------------------------------------------------------


def test_every_write_service_refuses_an_actor_without_the_permission(member, manager):
    person = BeneficiaryFactory()
    document_type = DocumentTypeFactory()
    refused = [
        lambda: services.beneficiary_register(actor=member, data=_profile(), consents=["data_processing"]),
        lambda: services.beneficiary_update(beneficiary=person, actor=member, expected_version=1, data={"city": "جدة"}),
        lambda: services.consent_set(beneficiary=person, purpose="contact", given=True, actor=manager),
        lambda: services.document_add(
            beneficiary=person,
            document_type=document_type,
            uploaded_file=SimpleUploadedFile("id.png", PNG, content_type="image/png"),
            actor=member,
        ),
        lambda: services.beneficiary_import_record(
            actor=member, beneficiaries=[person], file_name="x.csv", file_format="csv"
        ),
        lambda: services.beneficiary_export(actor=member, queryset=Beneficiary.objects.all(), file_format="csv"),
        lambda: services.sensitive_access_export(actor=member, filters={}),
    ]
    for call in refused:
        with pytest.raises(PermissionDenied):
            call()
    assert Beneficiary.objects.count() == 1 and not Document.objects.exists() and not Consent.objects.exists()


# --- consent to processing stays while a request is open -------------------------------------------------


def test_consent_to_processing_cannot_be_withdrawn_while_a_request_is_open(officer):
    person = BeneficiaryFactory()
    services.consent_set(beneficiary=person, purpose="data_processing", given=True, actor=officer)
    support_request = SupportRequestFactory(beneficiary=person, status="in_research")
    with pytest.raises(ValidationError) as info:
        services.consent_set(beneficiary=person, purpose="data_processing", given=False, actor=officer)
    assert info.value.messages == [f"لا يمكن سحب الموافقة على معالجة البيانات: {STILL_OPEN}"]
    assert Consent.objects.get(beneficiary=person).withdrawn_at is None
    # Another purpose may be withdrawn at any time.
    services.consent_set(beneficiary=person, purpose="contact", given=True, actor=officer)
    assert services.consent_set(beneficiary=person, purpose="contact", given=False, actor=officer).withdrawn_at
    # Once the request is closed, the consent can go: the row stays, with the date it was withdrawn.
    type(support_request).objects.filter(pk=support_request.pk).update(status="closed")
    consent = services.consent_set(beneficiary=person, purpose="data_processing", given=False, actor=officer)
    assert consent.withdrawn_at is not None and Consent.objects.filter(beneficiary=person).count() == 2


# --- admin: through the services, or read-only -----------------------------------------------------------


@pytest.fixture
def person():
    person = BeneficiaryFactory()
    HouseholdMember.objects.create(beneficiary=person, relation="son", name="سعد", monthly_income=0)
    Consent.objects.create(beneficiary=person, purpose="data_processing", given_at=timezone.now())
    return person


def _consent_rows(person, *rows) -> dict:
    """The admin's consent inline: each existing consent with its box, then the new rows."""
    existing = list(person.consents.order_by("purpose"))
    data = {
        "consents-TOTAL_FORMS": str(len(existing) + len(rows)),
        "consents-INITIAL_FORMS": str(len(existing)),
    }
    for i, consent in enumerate(existing):
        data[f"consents-{i}-id"] = str(consent.pk)
        data[f"consents-{i}-beneficiary"] = str(person.pk)
        if consent.is_active:
            data[f"consents-{i}-given"] = "on"
    for j, (purpose, given) in enumerate(rows, start=len(existing)):
        data[f"consents-{j}-beneficiary"] = str(person.pk)
        data[f"consents-{j}-purpose"] = purpose
        if given:
            data[f"consents-{j}-given"] = "on"
    return data


def test_admin_withdraws_consent_through_the_service(client_for, superuser, person):
    SupportRequestFactory(beneficiary=person, status="submitted")
    data = admin_post(person, **_consent_rows(person))
    del data["consents-0-given"]  # untick «Consent given» on data processing
    response = client_for(superuser).post(admin_url(person), data)
    assert response.status_code == 200  # refused next to the box, nothing saved
    assert STILL_OPEN in response.content.decode()
    assert person.consents.get().withdrawn_at is None

    person.requests.update(status="closed")
    response = client_for(superuser).post(admin_url(person), data)
    assert response.status_code == 302
    consent = person.consents.get()
    assert consent.withdrawn_at is not None  # withdrawn, kept with its date
    assert LogEntry.objects.filter(object_id=str(person.pk)).exists()


def test_admin_records_a_new_consent_through_the_service(client_for, superuser, person):
    data = admin_post(person, **_consent_rows(person, ("surveys", True)))
    response = client_for(superuser).post(admin_url(person), data)
    assert response.status_code == 302, response.context and response.context["inline_admin_formsets"]
    consent = person.consents.get(purpose="surveys")
    assert consent.recorded_by == superuser and consent.is_active


def test_admin_cannot_delete_a_consent(client_for, superuser, person):
    html = client_for(superuser).get(admin_url(person)).content.decode()
    assert "consents-0-DELETE" not in html


def test_documents_are_read_only_in_admin_and_open_through_the_portal(client_for, superuser):
    document = Document.objects.create(
        beneficiary=BeneficiaryFactory(),
        document_type=DocumentTypeFactory(),
        file="documents/secret-name.pdf",
        content_type="application/pdf",
    )
    client = client_for(superuser)
    assert client.get(reverse("admin:beneficiaries_document_add")).status_code == 403
    page = client.get(reverse("admin:beneficiaries_document_change", args=[document.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and reverse("beneficiaries:document_file", args=[document.pk]) in html
    assert "/media/" not in html and "secret-name" not in html
    response = client.post(reverse("admin:beneficiaries_document_change", args=[document.pk]), {"note": "x"})
    assert response.status_code == 403 and Document.objects.get(pk=document.pk).note == ""
