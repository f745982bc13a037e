"""The edit page (and Django admin) never show a recorded ID, IBAN or note in full without a logged
reveal: the inputs are empty with the masked value as placeholder, left empty they keep the value,
typed they replace it, and the "Show" buttons are the logged reveal."""

import pytest
from django.urls import reverse
from schwifty import IBAN

from beneficiaries.models import BeneficiaryChange, HouseholdMember, SensitiveAccess
from tests.factories import BeneficiaryFactory, valid_national_id

from .forms_data import edit_post

pytestmark = pytest.mark.django_db

IBAN_VALUE = IBAN.generate("SA", bank_code="80", account_code="000000000000123456").compact
NEW_IBAN = IBAN.generate("SA", bank_code="10", account_code="000000000000987654").compact
MEMBER_ID = valid_national_id(81234567)


@pytest.fixture
def person():
    person = BeneficiaryFactory(iban=IBAN_VALUE, health_notes="ربو مزمن", disability_notes="إعاقة حركية")
    HouseholdMember.objects.create(
        beneficiary=person,
        relation="son",
        name="سعد",
        national_id=MEMBER_ID,
        health_notes="سكري الأطفال",
        monthly_income=0,
    )
    return person


def secrets_of(person) -> list[str]:
    member = person.household.get()
    return [
        person.national_id,
        person.iban,
        person.health_notes,
        person.disability_notes,
        member.national_id,
        member.health_notes,
    ]


def edit_url(person):
    return reverse("beneficiaries:edit", args=[person.public_id])


def test_the_edit_page_shows_no_recorded_secret_and_logs_nothing(client_for, officer, person):
    response = client_for(officer).get(edit_url(person))
    html = response.content.decode()
    assert response.status_code == 200
    for secret in secrets_of(person):
        assert secret not in html
    # The masked values help the officer recognise what is recorded.
    assert person.national_id[-4:] in html and IBAN_VALUE[-4:] in html and MEMBER_ID[-4:] in html
    assert reverse("beneficiaries:reveal", args=[person.public_id, "iban"]) in html
    assert not SensitiveAccess.objects.exists()
    assert "no-store" in response["Cache-Control"]


def test_saving_without_retyping_keeps_every_recorded_value(client_for, officer, person):
    before = secrets_of(person)
    response = client_for(officer).post(edit_url(person), edit_post(person, city="جدة"))
    assert response.status_code == 302
    person.refresh_from_db()
    assert secrets_of(person) == before and person.city == "جدة"
    change = BeneficiaryChange.objects.get()
    assert [entry["field"] for entry in change.changes] == ["city"]


def test_typed_values_replace_the_recorded_ones(client_for, officer, person):
    member = person.household.get()
    new_member_id = valid_national_id(81234568)
    data = edit_post(person, iban=NEW_IBAN, health_notes="ربو خفيف")
    data["household-0-national_id"] = new_member_id
    response = client_for(officer).post(edit_url(person), data)
    assert response.status_code == 302
    person.refresh_from_db()
    member.refresh_from_db()
    assert (person.iban, person.health_notes, person.disability_notes) == (NEW_IBAN, "ربو خفيف", "إعاقة حركية")
    assert person.bank_name and member.national_id == new_member_id and member.health_notes == "سكري الأطفال"


def test_the_remove_boxes_clear_optional_values(client_for, officer, person):
    data = edit_post(person, remove_iban="on", remove_disability_notes="on")
    data["household-0-remove_health_notes"] = "on"
    assert client_for(officer).post(edit_url(person), data).status_code == 302
    person.refresh_from_db()
    assert (person.iban, person.bank_name, person.disability_notes) == ("", "", "")
    assert person.health_notes == "ربو مزمن" and person.household.get().health_notes == ""
    assert person.household.get().national_id == MEMBER_ID


def test_a_bad_retyped_id_is_an_error_and_the_page_still_hides_the_recorded_one(client_for, officer, person):
    response = client_for(officer).post(edit_url(person), edit_post(person, national_id="1234567890"))
    assert response.status_code == 200
    assert response.context["form"].errors["national_id"]
    html = response.content.decode()
    for secret in secrets_of(person):
        assert secret not in html


def test_show_on_the_edit_page_is_the_logged_reveal(client_for, officer, person):
    client = client_for(officer)
    shown = client.post(reverse("beneficiaries:reveal", args=[person.public_id, "iban"]))
    assert IBAN_VALUE in shown.content.decode() and "no-store" in shown["Cache-Control"]
    member = person.household.get()
    shown = client.post(reverse("beneficiaries:reveal_member", args=[person.public_id, member.pk]))
    html = shown.content.decode()
    assert MEMBER_ID in html and "سكري الأطفال" in html and "no-store" in shown["Cache-Control"]
    rows = list(SensitiveAccess.objects.order_by("pk").values_list("user", "beneficiary", "field", "item"))
    assert rows == [(officer.pk, person.pk, "iban", ""), (officer.pk, person.pk, "household", "سعد")]


def test_a_member_of_another_household_cannot_be_revealed(client_for, officer, person):
    other = HouseholdMember.objects.create(
        beneficiary=BeneficiaryFactory(), relation="son", name="آخر", national_id=valid_national_id(81234569)
    )
    response = client_for(officer).post(reverse("beneficiaries:reveal_member", args=[person.public_id, other.pk]))
    assert response.status_code == 404 and not SensitiveAccess.objects.exists()


def test_the_file_page_hides_household_ids_until_shown(client_for, officer, person):
    html = client_for(officer).get(person.get_absolute_url()).content.decode()
    assert MEMBER_ID not in html and "سكري الأطفال" not in html and MEMBER_ID[-4:] in html
    member = person.household.get()
    assert reverse("beneficiaries:reveal_member", args=[person.public_id, member.pk]) in html


def test_the_registration_page_is_not_cached(client_for, officer):
    assert "no-store" in client_for(officer).get(reverse("beneficiaries:register"))["Cache-Control"]


# --- Django admin -----------------------------------------------------------------------------------


def admin_url(person):
    return reverse("admin:beneficiaries_beneficiary_change", args=[person.pk])


def admin_post(person, **overrides):
    data = {
        "opened_version": str(person.version),
        "national_id": "",
        "first_name": person.first_name,
        "father_name": person.father_name,
        "grandfather_name": person.grandfather_name,
        "family_name": person.family_name,
        "gender": person.gender,
        "birth_date": person.birth_date.isoformat(),
        "nationality": person.nationality,
        "marital_status": person.marital_status,
        "mobile": person.mobile_local,
        "city": person.city,
        "district": person.district,
        "iban": "",
        "health_notes": "",
        "disability_notes": "",
        "household-TOTAL_FORMS": "1",
        "household-INITIAL_FORMS": "1",
        "household-MIN_NUM_FORMS": "0",
        "household-MAX_NUM_FORMS": "1000",
        "household-0-id": str(person.household.get().pk),
        "household-0-beneficiary": str(person.pk),
        "consents-TOTAL_FORMS": "0",
        "consents-INITIAL_FORMS": "0",
        "consents-MIN_NUM_FORMS": "0",
        "consents-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data


def test_the_admin_change_form_masks_every_secret(client_for, superuser, person):
    response = client_for(superuser).get(admin_url(person))
    assert response.status_code == 200
    html = response.content.decode()
    for secret in secrets_of(person):
        assert secret not in html
    assert person.national_id[-4:] in html and MEMBER_ID[-4:] in html
    assert person.get_absolute_url() in html  # the portal's page, where "Show" is recorded
    assert not SensitiveAccess.objects.exists()


def test_an_admin_edit_goes_through_the_service_and_leaves_history(client_for, superuser, person):
    response = client_for(superuser).post(admin_url(person), admin_post(person, city="الطائف", iban=NEW_IBAN))
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    person.refresh_from_db()
    assert person.city == "الطائف" and person.iban == NEW_IBAN and person.health_notes == "ربو مزمن"
    assert person.national_id == secrets_of(person)[0] and person.version == 2
    change = BeneficiaryChange.objects.get()
    assert change.actor == superuser
    assert {"field": "iban", "sensitive": True} in change.changes
    assert any(e["field"] == "city" and e["new"] == "الطائف" for e in change.changes)


def test_an_admin_edit_from_an_old_form_is_refused(client_for, superuser, officer, person):
    stale = admin_post(person, city="الطائف")
    client_for(officer).post(edit_url(person), edit_post(person, city="جدة"))
    response = client_for(superuser).post(admin_url(person), stale)
    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors()
    person.refresh_from_db()
    assert person.city == "جدة" and BeneficiaryChange.objects.count() == 1
