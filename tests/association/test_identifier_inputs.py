"""National IDs, mobiles and IBANs typed or pasted as people write them («SA56 8083 5798 …»,
«+966 56 929 7620», «١ ٦٩٠١ ٧٥٥٤٠») are accepted by every form that asks for one: normalised first,
then checked; the inputs never cut what is pasted."""

import re

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation
from schwifty import IBAN

from association.kernel.forms import IDENTIFIER_INPUT_MAX, IbanField, MobileField, NationalIdField
from association.models import AssociationProfile, BankAccount
from beneficiaries.models import Beneficiary, HouseholdMember
from channels_log.cases.models import Case
from channels_log.contacts.models import ContactEntry
from tests.beneficiaries.forms_data import registration_post
from tests.factories import BeneficiaryFactory, valid_national_id

pytestmark = pytest.mark.django_db

ARABIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
EASTERN = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


def id_formats(digits: str) -> list[str]:
    grouped = f"{digits[0]} {digits[1:5]} {digits[5:]}"
    return [
        digits,
        grouped,
        grouped.translate(ARABIC),  # «١ ٦٩٠١ ٧٥٥٤٠»
        f"{digits[0]}-{digits[1:5]}-{digits[5:]}",
        f"  {digits.translate(EASTERN)}  ",
        f"\u200f{digits[:3]} {digits[3:6]} {digits[6:]}\u200f",  # copied out of an RTL page
    ]


MOBILE = "+966569297620"
MOBILE_FORMATS = [
    "+966 56 929 7620",
    "00966 56 929 7620",
    "0569297620",
    "056 929 7620",
    "056-929-7620",
    "966569297620",
    "569297620",
    "٠٥٦ ٩٢٩ ٧٦٢٠",
    "+٩٦٦ ٥٦ ٩٢٩ ٧٦٢٠",
    "(+966) 56-929-7620",
]


def iban_formats(compact: str) -> list[str]:
    grouped = " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))
    return [
        compact,
        grouped,  # «SA56 8083 5798 …», 29 characters
        grouped.lower(),
        grouped.replace(" ", "-"),
        "SA" + grouped[2:].translate(ARABIC),
        f" {grouped}\u200e ",
    ]


IBAN_COMPACT = IBAN.generate("SA", bank_code="80", account_code=f"{835798:018d}").compact
NATIONAL_ID = valid_national_id(69017554)
MEMBER_ID = valid_national_id(69017555)


def test_every_identifier_format_normalises_to_one_value():
    """The formats below are what the forms receive; each field alone returns the canonical value."""
    for value in id_formats(NATIONAL_ID):
        assert NationalIdField().clean(value) == NATIONAL_ID, value
    for value in MOBILE_FORMATS:
        assert MobileField().clean(value) == MOBILE, value
    for value in iban_formats(IBAN_COMPACT):
        assert IbanField().clean(value) == IBAN_COMPACT, value


def test_the_longest_pasted_value_fits_every_input():
    longest = max(len(v) for v in [*id_formats(NATIONAL_ID), *MOBILE_FORMATS, *iban_formats(IBAN_COMPACT)])
    assert longest < IDENTIFIER_INPUT_MAX


def test_a_wrong_length_is_reported_after_normalising():
    """One digit short, pasted grouped: the officer is told 23 characters, not the 24 a cut input sent."""
    cut = IBAN_COMPACT[:-1]
    short = " ".join(cut[i : i + 4] for i in range(0, len(cut), 4))
    assert len(short) > 24
    with translation.override("en"), pytest.raises(ValidationError) as info:
        IbanField().clean(short)
    assert "you entered 23" in info.value.messages[0]
    with translation.override("en"), pytest.raises(ValidationError) as info:
        NationalIdField().clean("١ ٦٩٠١ ٧٥٥٤")
    assert "you entered 9" in info.value.messages[0]


def test_a_value_longer_than_any_identifier_is_refused_without_a_crash():
    with translation.override("ar"), pytest.raises(ValidationError) as info:
        MobileField().clean("0" * (IDENTIFIER_INPUT_MAX + 1))
    assert info.value.messages[0]


def _maxlength(html: str, input_id: str) -> int | None:
    tag = re.search(rf'<input[^>]*id="{re.escape(input_id)}"[^>]*>', html)
    assert tag, f"no input #{input_id}"
    found = re.search(r'maxlength="(\d+)"', tag.group(0))
    return int(found.group(1)) if found else None


def _assert_inputs_take_a_paste(html: str, *input_ids: str) -> None:
    for input_id in input_ids:
        assert _maxlength(html, input_id) == IDENTIFIER_INPUT_MAX, input_id


@pytest.fixture
def profile(db):
    profile = AssociationProfile(name="جمعية الاختبار")
    profile.save()
    return profile


def test_every_identifier_input_on_every_form_takes_the_longest_paste(client_for, officer, superuser, profile):
    client = client_for(officer)
    register = client.get(reverse("beneficiaries:register")).content.decode()
    # With the row the "add a member" button copies.
    _assert_inputs_take_a_paste(
        register,
        "id_national_id",
        "id_mobile",
        "id_iban",
        "id_household-0-national_id",
        "id_household-__prefix__-national_id",
    )
    beneficiary = BeneficiaryFactory()
    edit = client.get(reverse("beneficiaries:edit", args=[beneficiary.public_id])).content.decode()
    _assert_inputs_take_a_paste(edit, "id_national_id", "id_mobile", "id_iban")
    contact = client.get(reverse("channels_log:new")).content.decode()
    _assert_inputs_take_a_paste(contact, "id_contact_mobile")
    public = Client()
    _assert_inputs_take_a_paste(public.get(reverse("channels_log:public_contact")).content.decode(), "id_mobile")
    _assert_inputs_take_a_paste(public.get(reverse("channels_log:public_status")).content.decode(), "id_mobile")
    admin = client_for(superuser)
    _assert_inputs_take_a_paste(admin.get(reverse("admin:association_bankaccount_add")).content.decode(), "id_iban")
    _assert_inputs_take_a_paste(
        admin.get(reverse("admin:association_associationprofile_change", args=[profile.pk])).content.decode(),
        "id_bank_accounts-__prefix__-iban",
    )
    _assert_inputs_take_a_paste(
        admin.get(reverse("admin:beneficiaries_beneficiary_change", args=[beneficiary.pk])).content.decode(),
        "id_national_id",
        "id_mobile",
        "id_iban",
    )


@pytest.mark.parametrize("index", range(6))
def test_registration_and_household_rows_accept_each_pasted_format(client_for, officer, index):
    mobile = MOBILE_FORMATS[index]
    data = registration_post(
        national_id=id_formats(NATIONAL_ID)[index],
        mobile=mobile,
        iban=iban_formats(IBAN_COMPACT)[index],
        household=[{"relation": "son", "name": "سعد", "national_id": id_formats(MEMBER_ID)[index]}],
    )
    response = client_for(officer).post(reverse("beneficiaries:register"), data)
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    beneficiary = Beneficiary.objects.get()
    assert (beneficiary.national_id, beneficiary.mobile, beneficiary.iban) == (NATIONAL_ID, MOBILE, IBAN_COMPACT)
    assert beneficiary.bank_name == "مصرف الراجحي"
    assert list(HouseholdMember.objects.values_list("national_id", flat=True)) == [MEMBER_ID]


def test_editing_accepts_pasted_formats_too(client_for, officer):
    beneficiary = BeneficiaryFactory(national_id=NATIONAL_ID)
    data = registration_post(
        national_id=id_formats(NATIONAL_ID)[2],
        mobile="+966 56 929 7620",
        iban=iban_formats(IBAN_COMPACT)[1],
        household=[{"relation": "son", "name": "سعد", "national_id": id_formats(MEMBER_ID)[3]}],
    )
    data.pop("consents")
    data["version"] = str(beneficiary.version)  # the version the edit page was opened at
    response = client_for(officer).post(reverse("beneficiaries:edit", args=[beneficiary.public_id]), data)
    assert response.status_code == 302
    beneficiary.refresh_from_db()
    assert (beneficiary.mobile, beneficiary.iban) == (MOBILE, IBAN_COMPACT)
    assert beneficiary.household.get().national_id == MEMBER_ID


def test_a_bad_pasted_iban_keeps_what_was_typed_and_says_why(client_for, officer):
    typed = "SA56 8083 5798 0000 0000 0001"  # the right length, a wrong check
    response = client_for(officer).post(reverse("beneficiaries:register"), registration_post(iban=typed))
    assert response.status_code == 200 and not Beneficiary.objects.exists()
    assert response.context["form"].errors["iban"]
    assert f'value="{typed}"' in response.content.decode()


@pytest.mark.parametrize("mobile", MOBILE_FORMATS)
def test_contact_form_takes_each_mobile_format(client_for, officer, mobile):
    from association.channels import Channel

    channel = Channel.objects.get(code="phone")
    response = client_for(officer).post(
        reverse("channels_log:new"),
        {
            "channel": channel.pk,
            "direction": "in",
            "purpose": "inquiry",
            "contact_name": "متصل",
            "contact_mobile": mobile,
            "subject": "سؤال",
            "body": "سؤال عن المواعيد",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    assert ContactEntry.objects.get().contact_mobile == MOBILE


@pytest.fixture
def public_client():
    cache.clear()  # the public forms' throttle
    yield Client()
    cache.clear()


@pytest.mark.parametrize("mobile", MOBILE_FORMATS)
def test_public_contact_and_status_lookup_take_each_mobile_format(public_client, mobile):
    response = public_client.post(
        reverse("channels_log:public_contact"),
        {
            "kind": "inquiry",
            "name": "فاطمة",
            "mobile": mobile,
            "subject": "سؤال",
            "body": "متى يفتح التسجيل؟",
            "website": "",
        },
    )
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.mobile == MOBILE
    status = public_client.post(reverse("channels_log:public_status"), {"reference": case.reference, "mobile": mobile})
    assert status.status_code == 200
    assert status.context["case"] == case


@pytest.mark.parametrize("index", range(6))
def test_desk_search_finds_each_pasted_format(client_for, officer, index):
    beneficiary = BeneficiaryFactory(national_id=NATIONAL_ID, mobile=MOBILE)
    BeneficiaryFactory()  # a neighbour that must not match
    client = client_for(officer)
    for query in (id_formats(NATIONAL_ID)[index], MOBILE_FORMATS[index]):
        page = client.post(reverse("beneficiaries:desk"), {"q": query})
        assert [b.pk for b in page.context["page"]] == [beneficiary.pk], query


@pytest.mark.parametrize("index", range(6))
def test_bank_accounts_in_admin_take_each_pasted_iban(client_for, superuser, profile, index):
    admin = client_for(superuser)
    response = admin.post(
        reverse("admin:association_bankaccount_add"),
        {
            "profile": profile.pk,
            "iban": iban_formats(IBAN_COMPACT)[index],
            "bank_name": "",
            "account_name": "",
            "purpose": "الزكاة",
            "is_active": "on",
            "order": "0",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    account = BankAccount.objects.get()
    assert (account.iban, account.bank_name) == (IBAN_COMPACT, "مصرف الراجحي")


def test_profile_bank_account_rows_take_a_pasted_iban(client_for, superuser, profile):
    other = IBAN.generate("SA", bank_code="10", account_code=f"{4242:018d}").compact
    grouped = " ".join(other[i : i + 4] for i in range(0, len(other), 4))
    data = {
        "name": profile.name,
        "name_en": "",
        "license_number": "",
        "supervising_authority": "",
        "city": "",
        "address": "",
        "phone": "",
        "email": "",
        "website": "",
        "x_account": "",
        "instagram": "",
        "snapchat": "",
        "whatsapp": "",
        "document_digits": "western",
        "bank_accounts-TOTAL_FORMS": "1",
        "bank_accounts-INITIAL_FORMS": "0",
        "bank_accounts-MIN_NUM_FORMS": "0",
        "bank_accounts-MAX_NUM_FORMS": "1000",
        "bank_accounts-0-iban": grouped.translate(ARABIC).replace("٥", "5"),
        "bank_accounts-0-bank_name": "",
        "bank_accounts-0-account_name": "",
        "bank_accounts-0-purpose": "",
        "bank_accounts-0-is_active": "on",
        "bank_accounts-0-order": "0",
    }
    response = client_for(superuser).post(
        reverse("admin:association_associationprofile_change", args=[profile.pk]), data
    )
    assert response.status_code == 302, response.context and response.context["inline_admin_formsets"]
    assert profile.bank_accounts.get().iban == other
