"""Erasure of a person reaches the self-service: their sign-in account, its sessions and the codes sent to its
mobile go (a kept account would open an anonymised file); another person's account is untouched."""

import pytest

from association.kernel.roles import Role
from beneficiaries.privacy import services as privacy
from beneficiaries.privacy.subject import subject_data
from selfservice.models import Applicant, ApplicantSession, SignInCode

from .world import person, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def two(officer, chair):
    a = signed_in(person("+966554450001", officer=officer, chair=chair, tag="alpha"), "10.7.0.1")
    b = signed_in(person("+966554450002", officer=officer, chair=chair, tag="beta"), "10.7.0.2")
    return a, b


def test_the_export_lists_their_sign_ins_and_online_applications_only(two):
    a, b = two
    sections = {found["key"]: found["rows"] for found in subject_data(a.beneficiary)["sections"]}
    assert {row["mobile"] for row in sections["self_service"]} == {a.mobile}
    assert any(row["client_address"] == "10.7.0.1" for row in sections["self_service"])
    assert "online_applications" in sections
    assert b.mobile not in str(subject_data(a.beneficiary))


def test_erasure_closes_their_account_and_leaves_the_others(two, make_user):
    a, b = two
    assert ApplicantSession.objects.filter(applicant__mobile=a.mobile).exists()
    record = privacy.beneficiary_anonymise(
        beneficiary=a.beneficiary, source="request", actor=make_user(role=Role.MANAGER)
    )
    assert record.records["self_service_accounts"] == 1 and record.records["sign_in_codes"] >= 1
    assert not Applicant.objects.filter(mobile=a.mobile).exists()
    assert not SignInCode.objects.filter(mobile=a.mobile).exists()
    assert a.client.get("/my/data/").status_code == 302  # signed out: the session went with the account
    assert Applicant.objects.filter(mobile=b.mobile, beneficiary=b.beneficiary).exists()
    assert b.client.get("/my/data/?show=1").status_code == 200
    # The audit row counts, never names.
    assert a.mobile not in str(record.records)
