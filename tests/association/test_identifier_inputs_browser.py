"""In a real browser: the officer pastes (Ctrl+V from the clipboard) a grouped IBAN, a spaced mobile
with +966 and an ID in Arabic-Indic digits into the registration page; nothing is cut, and the
beneficiary is registered with the normalised values."""

import pytest
from django.urls import reverse
from schwifty import IBAN

from association.kernel.roles import Role
from beneficiaries.models import Beneficiary
from tests.browser import chromium_page, csp_guard, login
from tests.factories import valid_national_id

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

NATIONAL_ID = valid_national_id(69017554)
IBAN_COMPACT = IBAN.generate("SA", bank_code="80", account_code=f"{835798:018d}").compact
PASTED = {
    "#id_national_id": f"{NATIONAL_ID[0]} {NATIONAL_ID[1:5]} {NATIONAL_ID[5:]}".translate(
        str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
    ),
    "#id_mobile": "+966 56 929 7620",
    "#id_iban": " ".join(IBAN_COMPACT[i : i + 4] for i in range(0, 24, 4)),  # 29 characters
}


def _paste(page, selector: str, text: str) -> None:
    page.evaluate("text => navigator.clipboard.writeText(text)", text)
    page.click(selector)
    page.keyboard.press("Control+V")


def test_pasted_grouped_values_are_not_cut_on_the_registration_page(live_server, make_user):
    officer = make_user(Role.RELATIONS_OFFICER, username="paster")
    officer.set_password("demo12345")
    officer.save()
    with chromium_page(viewport={"width": 1280, "height": 900}) as page, csp_guard(page) as guard:
        page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
        login(page, live_server.url, "paster", "demo12345")
        page.goto(live_server.url + reverse("beneficiaries:register"))
        for selector, text in PASTED.items():
            _paste(page, selector, text)
            assert page.input_value(selector) == text, selector
        page.fill("#id_first_name", "ريم")
        page.fill("#id_father_name", "خالد")
        page.fill("#id_grandfather_name", "ناصر")
        page.fill("#id_family_name", "اللصق")
        page.select_option("#id_gender", "female")
        page.fill("#id_birth_date", "1990-05-21")
        page.select_option("#id_marital_status", "single")
        page.fill("#id_city", "الرياض")
        page.click("main form button.btn-primary[type=submit]")
        page.wait_for_selector("h1:has-text('ريم خالد ناصر اللصق')")
        guard.check("registration")
    beneficiary = Beneficiary.objects.get()
    assert (beneficiary.national_id, beneficiary.mobile, beneficiary.iban) == (
        NATIONAL_ID,
        "+966569297620",
        IBAN_COMPACT,
    )
