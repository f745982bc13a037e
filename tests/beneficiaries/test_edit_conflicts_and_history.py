"""Two staff editing one file from forms opened earlier: the second save is refused ("changed by X at T
since you opened it"), nothing saved, the entries kept. Every saved edit is in the file's history: who
changed which field from what to what, sensitive fields as "changed" without values."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from schwifty import IBAN

from association.kernel.roles import Role
from beneficiaries import services
from beneficiaries.models import Beneficiary, BeneficiaryChange, HouseholdMember
from tests.concurrency import run_at_once
from tests.factories import BeneficiaryFactory, valid_national_id
from tests.services import require_postgres

from .forms_data import edit_post

IBAN_A = IBAN.generate("SA", bank_code="80", account_code="000000000000111111").compact
IBAN_B = IBAN.generate("SA", bank_code="10", account_code="000000000000222222").compact


def edit_url(person):
    return reverse("beneficiaries:edit", args=[person.public_id])


@pytest.fixture
def two_officers(make_user):
    return (
        make_user(Role.RELATIONS_OFFICER, first_name="سارة", last_name="القحطاني"),
        make_user(Role.RELATIONS_OFFICER, first_name="خالد", last_name="العتيبي"),
    )


@pytest.mark.django_db
def test_a_save_from_a_form_opened_before_another_save_is_refused(client, two_officers):
    sara, khalid = two_officers
    person = BeneficiaryFactory(iban=IBAN_A, city="الرياض")
    # Both open the form at version 1.
    sara_form, khalid_form = edit_post(person, iban=IBAN_B), edit_post(person, district="الملز")
    client.force_login(sara)
    assert client.post(edit_url(person), sara_form).status_code == 302
    client.force_login(khalid)
    response = client.post(edit_url(person), khalid_form)
    assert response.status_code == 409
    person.refresh_from_db()
    # Nothing of Khalid's was saved, and Sara's IBAN was not reverted.
    assert person.iban == IBAN_B and person.district != "الملز" and person.version == 2
    message = " ".join(response.context["form"].non_field_errors())
    assert "سارة القحطاني" in message
    html = response.content.decode()
    assert 'value="الملز"' in html  # his entry is kept
    assert IBAN_A not in html and IBAN_B not in html  # her change is listed, its values are not
    assert 'name="version" value="2"' in html
    # Having seen her change, he saves deliberately: now it goes through.
    again = client.post(edit_url(person), {**khalid_form, "version": "2"})
    assert again.status_code == 302
    person.refresh_from_db()
    assert person.district == "الملز" and person.iban == IBAN_B and person.version == 3


@pytest.mark.django_db
def test_the_service_refuses_a_stale_version_and_saves_nothing(two_officers):
    sara, khalid = two_officers
    person = BeneficiaryFactory(city="الرياض")
    services.beneficiary_update(beneficiary=person, actor=sara, expected_version=1, data={"city": "جدة"})
    with pytest.raises(services.EditConflict) as info:
        services.beneficiary_update(beneficiary=person, actor=khalid, expected_version=1, data={"city": "مكة"})
    assert info.value.current_version == 2 and [c.actor for c in info.value.changes] == [sara]
    person.refresh_from_db()
    assert person.city == "جدة" and BeneficiaryChange.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_saves_at_once_from_the_same_version_one_wins(two_officers):
    require_postgres()
    person = BeneficiaryFactory(city="الرياض")

    def save(actor, city):
        return lambda: services.beneficiary_update(
            beneficiary=person, actor=actor, expected_version=1, data={"city": city}
        )

    outcomes = run_at_once([save(user, city) for user, city in zip(two_officers, ["جدة", "مكة"], strict=True)])
    assert sorted(type(outcome).__name__ for outcome in outcomes) == ["Beneficiary", "EditConflict"]
    person.refresh_from_db()
    assert person.version == 2 and BeneficiaryChange.objects.filter(beneficiary=person).count() == 1


@pytest.mark.django_db
def test_history_records_who_changed_what_and_hides_sensitive_values(client_for, officer):
    person = BeneficiaryFactory(city="الرياض", marital_status="single", iban=IBAN_A, health_notes="ربو")
    son = HouseholdMember.objects.create(beneficiary=person, relation="son", name="سعد", monthly_income=0)
    HouseholdMember.objects.create(beneficiary=person, relation="daughter", name="نورة", monthly_income=0)
    data = edit_post(
        person,
        household=[
            {
                "member": str(son.pk),
                "relation": "son",
                "name": "سعد",
                "monthly_income": "1500",
                "national_id": valid_national_id(82222222),
            },
            {"relation": "mother", "name": "فاطمة", "monthly_income": "0"},
        ],
        city="جدة",
        marital_status="married",
        iban=IBAN_B,
        health_notes="ربو خفيف",
    )
    assert client_for(officer).post(edit_url(person), data).status_code == 302
    change = BeneficiaryChange.objects.get()
    assert change.actor == officer and change.version == 2
    entries = change.changes
    assert {"field": "city", "old": "الرياض", "new": "جدة"} in entries
    assert {"field": "marital_status", "old": "single", "new": "married"} in entries
    assert {"field": "iban", "sensitive": True} in entries and {"field": "health_notes", "sensitive": True} in entries
    # Incomes are encrypted at rest: the history says the figure changed, not what it was or became.
    assert {"member": "سعد", "field": "monthly_income", "sensitive": True} in entries
    assert {"member": "سعد", "field": "national_id", "sensitive": True} in entries
    assert {"member": "نورة", "action": "removed"} in entries and {"member": "فاطمة", "action": "added"} in entries
    # No clear sensitive value anywhere in the history.
    text = str(entries)
    assert (
        "1500" not in text
        and IBAN_A not in text
        and IBAN_B not in text
        and "ربو" not in text
        and valid_national_id(82222222) not in text
    )

    page = client_for(officer).get(person.get_absolute_url()).content.decode()
    assert "«الرياض»" in page and "«جدة»" in page and "متزوج" in page
    assert IBAN_A not in page and IBAN_B not in page and "ربو خفيف" not in page


@pytest.mark.django_db
def test_an_edit_that_changes_nothing_writes_no_history(client_for, officer):
    person = BeneficiaryFactory(iban=IBAN_A)
    assert client_for(officer).post(edit_url(person), edit_post(person)).status_code == 302
    person.refresh_from_db()
    assert person.version == 1 and not BeneficiaryChange.objects.exists()


@pytest.mark.django_db
def test_the_file_page_shows_the_latest_changes_and_links_to_all(client_for, officer):
    person = BeneficiaryFactory(city="مدينة 0")
    for n in range(1, 13):
        services.beneficiary_update(beneficiary=person, actor=officer, expected_version=n, data={"city": f"مدينة {n}"})
    client = client_for(officer)
    response = client.get(person.get_absolute_url())
    assert len(response.context["changes"]) == 11  # ten shown, one more says there are others
    html = response.content.decode()
    history = reverse("beneficiaries:history", args=[person.public_id])
    assert "«مدينة 12»" in html and "«مدينة 1»" not in html and history in html

    def queries(page):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(history, {"page": page}).status_code == 200
        return len(captured)

    assert queries(1) == queries(2)
    second = client.get(history, {"page": 1})
    assert len(second.context["page"].object_list) == 12


@pytest.mark.django_db
def test_a_household_row_of_another_file_is_refused(client_for, officer):
    person, other = BeneficiaryFactory(), BeneficiaryFactory()
    stranger = HouseholdMember.objects.create(beneficiary=other, relation="son", name="غريب", monthly_income=0)
    data = edit_post(
        person, household=[{"member": str(stranger.pk), "relation": "son", "name": "تغيير", "monthly_income": "0"}]
    )
    response = client_for(officer).post(edit_url(person), data)
    assert response.status_code == 200
    assert response.context["household"].non_form_errors()
    stranger.refresh_from_db()
    assert stranger.name == "غريب" and stranger.beneficiary == other
    assert not BeneficiaryChange.objects.exists() and Beneficiary.objects.get(pk=person.pk).version == 1


@pytest.mark.django_db
def test_the_same_person_sending_the_form_again_is_no_conflict(client_for, officer, two_officers):
    person = BeneficiaryFactory(city="الرياض")
    form = edit_post(person, city="جدة")
    client = client_for(officer)
    assert client.post(edit_url(person), form).status_code == 302
    # A retry of the very same form (the back button, a lost answer): saved, nothing new to record.
    assert client.post(edit_url(person), form).status_code == 302
    person.refresh_from_db()
    assert person.city == "جدة" and person.version == 2 and BeneficiaryChange.objects.count() == 1
    # Once a colleague has saved in between, the old form is a conflict again.
    services.beneficiary_update(beneficiary=person, actor=two_officers[0], expected_version=2, data={"district": "س"})
    assert client.post(edit_url(person), form).status_code == 409
