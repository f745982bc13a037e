"""National ID, IBAN and health notes: masked in lists, never in URLs, revealing is logged and guarded."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from schwifty import IBAN

from beneficiaries import services
from beneficiaries.models import SensitiveAccess
from tests.factories import BeneficiaryFactory

pytestmark = pytest.mark.django_db

IBAN_VALUE = IBAN.generate("SA", bank_code="80", account_code="000000000000123456").compact


@pytest.fixture
def person():
    return BeneficiaryFactory(iban=IBAN_VALUE, health_notes="ربو مزمن", disability_notes="إعاقة حركية")


def test_lists_show_only_the_last_four_digits(client_for, officer, person):
    client = client_for(officer)
    for response in [
        client.get(reverse("beneficiaries:list")),
        client.post(reverse("beneficiaries:desk"), {"q": person.family_name}),
    ]:
        html = response.content.decode()
        assert person.full_name in html
        assert person.national_id not in html
        assert "••••••" + person.national_id[-4:] in html
        assert person.mobile_local not in html and person.mobile_local[-4:] in html


def test_the_file_page_masks_id_iban_and_health_notes(client_for, officer, person):
    html = client_for(officer).get(person.get_absolute_url()).content.decode()
    assert person.national_id not in html and person.national_id[-4:] in html
    assert IBAN_VALUE not in html and IBAN_VALUE[-4:] in html
    assert "ربو مزمن" not in html and "إعاقة حركية" not in html
    assert reverse("beneficiaries:reveal", args=[person.public_id, "national_id"]) in html


def test_urls_carry_the_opaque_id_never_the_national_id(person):
    for url in [
        person.get_absolute_url(),
        reverse("beneficiaries:edit", args=[person.public_id]),
        reverse("requests_app:new", args=[person.public_id]),
    ]:
        assert str(person.public_id) in url and person.national_id not in url


@pytest.mark.parametrize(
    ("field", "shown"), [("national_id", "national_id"), ("iban", "iban"), ("health", "health_notes")]
)
def test_revealing_shows_the_value_and_logs_who_saw_it(client_for, officer, person, field, shown):
    response = client_for(officer).post(reverse("beneficiaries:reveal", args=[person.public_id, field]))
    assert response.status_code == 200
    assert getattr(person, shown) in response.content.decode()
    access = SensitiveAccess.objects.get()
    assert (access.user, access.beneficiary, access.field) == (officer, person, field)


def test_revealing_needs_view_sensitive(client_for, member, person):
    assert not member.has_perm("beneficiaries.view_sensitive")
    response = client_for(member).post(reverse("beneficiaries:reveal", args=[person.public_id, "national_id"]))
    assert response.status_code == 403
    assert person.national_id not in response.content.decode()
    assert not SensitiveAccess.objects.exists()


def test_the_reveal_service_refuses_without_the_permission(member, person):
    with pytest.raises(PermissionDenied):
        services.sensitive_reveal(beneficiary=person, field="iban", actor=member)
    assert not SensitiveAccess.objects.exists()


def test_revealing_is_a_post_only(client_for, officer, person):
    response = client_for(officer).get(reverse("beneficiaries:reveal", args=[person.public_id, "national_id"]))
    assert response.status_code == 405
    assert not SensitiveAccess.objects.exists()


@pytest.mark.parametrize("field", ["document", "mobile", "nothing"])
def test_revealing_an_unknown_field_is_not_found(client_for, officer, person, field):
    response = client_for(officer).post(reverse("beneficiaries:reveal", args=[person.public_id, field]))
    assert response.status_code == 404
    assert not SensitiveAccess.objects.exists()


def test_a_role_without_view_sensitive_gets_no_show_buttons(client_for, member, person):
    html = client_for(member).get(person.get_absolute_url()).content.decode()
    assert person.full_name in html
    assert reverse("beneficiaries:reveal", args=[person.public_id, "national_id"]) not in html
