"""Registering a beneficiary: duplicates, household, consent, all-or-nothing, errors at the fields."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from beneficiaries import services
from beneficiaries.models import Beneficiary, Consent, HouseholdMember
from beneficiaries.search import national_id_hash
from tests.factories import BeneficiaryFactory, valid_national_id

from .forms_data import edit_post, registration_post

pytestmark = pytest.mark.django_db

REGISTER = reverse("beneficiaries:register")


def _data(n=1, **overrides) -> dict:
    data = {
        "national_id": valid_national_id(80000000 + n),
        "first_name": "فاطمة",
        "father_name": "علي",
        "grandfather_name": "حمد",
        "family_name": "القحطاني",
        "gender": "female",
        "birth_date": dt.date(1990, 1, 2),
        "nationality": "سعودي",
        "marital_status": "widowed",
        "mobile": f"+96656{n:07d}",
        "city": "الخرج",
    }
    data.update(overrides)
    return data


# --- the same ID ---------------------------------------------------------------------------------


def test_same_id_is_refused_by_the_database():
    existing = BeneficiaryFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        BeneficiaryFactory(national_id=existing.national_id)
    assert Beneficiary.objects.filter(national_id_hash=national_id_hash(existing.national_id)).count() == 1


def test_same_id_is_a_field_error_at_the_service(officer):
    existing = BeneficiaryFactory()
    with pytest.raises(ValidationError) as info:
        services.beneficiary_register(
            actor=officer,
            data=_data(national_id=existing.national_id),
            consents=["data_processing"],
            confirm_duplicate=True,
        )
    assert list(info.value.error_dict) == ["national_id"]
    assert Beneficiary.objects.count() == 1


def test_same_id_is_a_field_error_on_the_register_page(client_for, officer):
    existing = BeneficiaryFactory()
    # Typed in Arabic-Indic digits with spaces: still the same person.
    typed = " ".join(existing.national_id.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")))
    response = client_for(officer).post(REGISTER, registration_post(national_id=typed))
    assert response.status_code == 200
    assert response.context["form"].errors["national_id"]
    assert Beneficiary.objects.count() == 1


def test_changing_an_id_to_another_persons_is_a_field_error(officer):
    first, second = BeneficiaryFactory(), BeneficiaryFactory()
    with pytest.raises(ValidationError) as info:
        services.beneficiary_update(
            beneficiary=second, actor=officer, expected_version=second.version, data={"national_id": first.national_id}
        )
    assert list(info.value.error_dict) == ["national_id"]
    second.refresh_from_db()
    assert second.national_id != first.national_id


# --- possible duplicates -------------------------------------------------------------------------


def test_same_mobile_asks_for_confirmation(officer):
    existing = BeneficiaryFactory(mobile="+966561234567")
    with pytest.raises(services.PossibleDuplicate) as info:
        services.beneficiary_register(actor=officer, data=_data(mobile="+966561234567"), consents=["data_processing"])
    assert info.value.matches == [existing]
    assert Beneficiary.objects.count() == 1


def test_same_normalised_name_and_birth_date_asks_for_confirmation(officer):
    existing = BeneficiaryFactory(
        first_name="أحمد",
        father_name="عبدالله",
        grandfather_name="سعد",
        family_name="الشمري",
        birth_date=dt.date(1975, 6, 1),
    )
    # Another spelling of the same name (no hamza, tatweel, a kasra), another mobile and ID.
    data = _data(
        first_name="احمد",
        father_name="عبدالـلـه",
        grandfather_name="سِعد",
        family_name="الشمري",
        birth_date=dt.date(1975, 6, 1),
    )
    with pytest.raises(services.PossibleDuplicate) as info:
        services.beneficiary_register(actor=officer, data=data, consents=["data_processing"])
    assert info.value.matches == [existing]


def test_same_name_with_another_birth_date_is_not_a_duplicate(officer):
    BeneficiaryFactory(
        first_name="أحمد",
        father_name="عبدالله",
        grandfather_name="سعد",
        family_name="الشمري",
        birth_date=dt.date(1975, 6, 1),
    )
    data = _data(
        first_name="أحمد",
        father_name="عبدالله",
        grandfather_name="سعد",
        family_name="الشمري",
        birth_date=dt.date(1976, 6, 1),
    )
    beneficiary = services.beneficiary_register(actor=officer, data=data, consents=["data_processing"])
    assert beneficiary.pk and Beneficiary.objects.count() == 2


def test_confirmed_duplicate_is_registered(officer):
    BeneficiaryFactory(mobile="+966561234567")
    beneficiary = services.beneficiary_register(
        actor=officer, data=_data(mobile="+966561234567"), consents=["data_processing"], confirm_duplicate=True
    )
    assert Beneficiary.objects.filter(mobile="+966561234567").count() == 2
    assert beneficiary.created_by == officer


def test_register_page_shows_similar_records_then_registers_once_confirmed(client_for, officer):
    existing = BeneficiaryFactory(mobile="+966550000001")
    client = client_for(officer)
    data = registration_post(1, mobile="0550000001")
    response = client.post(REGISTER, data)
    assert response.status_code == 200
    assert response.context["duplicates"] == [existing]
    assert response.context["form"].errors["confirm_duplicate"]
    html = response.content.decode()
    assert existing.get_absolute_url() in html and 'name="confirm_duplicate"' in html
    assert existing.national_id not in html, "the similar record's ID is shown masked"
    assert Beneficiary.objects.count() == 1

    response = client.post(REGISTER, {**data, "confirm_duplicate": "on"})
    assert response.status_code == 302
    assert Beneficiary.objects.filter(mobile="+966550000001").count() == 2


# --- registration, household, consent ------------------------------------------------------------


def test_registering_with_household_creates_the_person_household_and_consents(client_for, officer):
    household = [
        {
            "relation": "son",
            "name": "سعد أحمد",
            "national_id": "",
            "birth_date": "1431-01-01 هـ",
            "monthly_income": "٠",
        },
        {
            "relation": "spouse",
            "name": "نورة",
            "national_id": valid_national_id(90000001),
            "birth_date": "1988-02-03",
            "monthly_income": "١٢٠٠٫٥٠",
        },
    ]
    response = client_for(officer).post(REGISTER, registration_post(3, household=household))
    beneficiary = Beneficiary.objects.get()
    assert response.status_code == 302 and response["Location"] == beneficiary.get_absolute_url()
    assert beneficiary.created_by == officer
    assert beneficiary.name_normalized == "احمد عبدالله سعد التجربه3"
    members = list(beneficiary.household.order_by("pk"))
    assert [(m.relation, m.name) for m in members] == [("son", "سعد أحمد"), ("spouse", "نورة")]
    assert str(members[1].monthly_income) == "1200.50"
    assert members[0].birth_date.year == 2009
    assert set(beneficiary.consents.values_list("purpose", flat=True)) == {"data_processing", "contact"}
    assert all(c.recorded_by == officer for c in beneficiary.consents.all())


def test_consent_to_data_processing_is_required(client_for, officer):
    response = client_for(officer).post(REGISTER, registration_post(consents=["contact"]))
    assert response.status_code == 200
    assert response.context["form"].errors["consents"]
    assert not Beneficiary.objects.exists()


def test_consent_to_data_processing_is_required_by_the_service(officer):
    with pytest.raises(ValidationError) as info:
        services.beneficiary_register(actor=officer, data=_data(), consents=["contact"])
    assert list(info.value.error_dict) == ["consents"]
    assert not Beneficiary.objects.exists()


def test_a_consent_sent_twice_is_recorded_once(client_for, officer):
    response = client_for(officer).post(REGISTER, registration_post(consents=["data_processing", "data_processing"]))
    assert response.status_code == 302
    assert Consent.objects.filter(purpose="data_processing").count() == 1


def test_a_form_with_errors_keeps_what_was_typed_and_shows_messages_at_the_fields(client_for, officer):
    data = registration_post(
        national_id="1234567890", mobile="0112345678", birth_date="1410-13-40 هـ", first_name="عبدالرحمن"
    )
    response = client_for(officer).post(REGISTER, data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"national_id", "mobile", "birth_date"} <= set(errors)
    html = response.content.decode()
    for typed in ("1234567890", "0112345678", "1410-13-40 هـ", "عبدالرحمن"):
        assert f'value="{typed}"' in html
    # Each message sits next to its input (crispy's invalid-feedback under the field).
    assert html.count("invalid-feedback") >= 3
    assert 'id="id_national_id"' in html and "is-invalid" in html
    assert not Beneficiary.objects.exists()


def test_a_bad_household_row_leaves_no_beneficiary_row(client_for, officer):
    household = [
        {"relation": "son", "name": "سعد", "national_id": "", "birth_date": "2010-01-01", "monthly_income": "0"},
        {
            "relation": "daughter",
            "name": "هند",
            "national_id": "1111111111",
            "birth_date": "2012-01-01",
            "monthly_income": "abc",
        },
    ]
    response = client_for(officer).post(REGISTER, registration_post(household=household))
    assert response.status_code == 200
    row_errors = response.context["household"].errors[1]
    assert {"national_id", "monthly_income"} <= set(row_errors)
    assert 'value="هند"' in response.content.decode()
    assert not Beneficiary.objects.exists() and not HouseholdMember.objects.exists()


def test_an_error_midway_rolls_back_the_whole_registration(officer):
    # The person and the first household member are written before the bad row is refused (full_clean in
    # the service; the database would refuse its NULL relation too), under the household's name.
    household = [{"relation": "son", "name": "سعد"}, {"relation": None, "name": "بلا صلة"}]
    with pytest.raises(ValidationError) as info:
        services.beneficiary_register(actor=officer, data=_data(), household=household, consents=["data_processing"])
    assert list(info.value.message_dict) == ["household"] and info.value.messages[0].startswith("بلا صلة: ")
    assert not Beneficiary.objects.exists()
    assert not HouseholdMember.objects.exists()
    assert not Consent.objects.exists()


def test_editing_one_household_member_keeps_the_others(client_for, officer):
    beneficiary = BeneficiaryFactory()
    son = HouseholdMember.objects.create(beneficiary=beneficiary, relation="son", name="الابن الأول", monthly_income=0)
    daughter = HouseholdMember.objects.create(
        beneficiary=beneficiary, relation="daughter", name="البنت", monthly_income=0
    )
    data = edit_post(
        beneficiary,
        household=[
            {"member": str(son.pk), "relation": "son", "name": "الابن الأول — معدل", "monthly_income": "0"},
            {"member": str(daughter.pk), "relation": "daughter", "name": "البنت", "monthly_income": "0.00"},
        ],
    )
    response = client_for(officer).post(reverse("beneficiaries:edit", args=[beneficiary.public_id]), data)
    assert response.status_code == 302, response.context and response.context["form"].errors
    assert list(beneficiary.household.order_by("pk").values_list("pk", "name")) == [
        (son.pk, "الابن الأول — معدل"),
        (daughter.pk, "البنت"),
    ]


def test_editing_without_touching_the_household_keeps_it(client_for, officer):
    beneficiary = BeneficiaryFactory()
    member = HouseholdMember.objects.create(beneficiary=beneficiary, relation="son", name="سعد", monthly_income=0)
    data = edit_post(beneficiary, city="الدرعية")
    response = client_for(officer).post(reverse("beneficiaries:edit", args=[beneficiary.public_id]), data)
    assert response.status_code == 302
    beneficiary.refresh_from_db()
    assert beneficiary.city == "الدرعية"
    assert list(beneficiary.household.values_list("pk", flat=True)) == [member.pk]
