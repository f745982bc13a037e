"""In a real browser: an officer edits a file whose ID, IBAN and notes stay masked, shows one value (a
logged reveal), changes the IBAN and a household member, and reads the change in the file's history;
a colleague's form opened earlier is then refused with her change listed and his entries kept."""

import os

import pytest
from schwifty import IBAN

from association.kernel.roles import Role
from beneficiaries.models import BeneficiaryChange, HouseholdMember, SensitiveAccess
from tests.browser import chromium_page, csp_guard, login
from tests.factories import BeneficiaryFactory, UserFactory, valid_national_id

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "a-long-Passphrase-2026"
OLD_IBAN = IBAN.generate("SA", bank_code="80", account_code="000000000000123456").compact
NEW_IBAN = IBAN.generate("SA", bank_code="10", account_code="000000000000654321").compact
MEMBER_ID = valid_national_id(84444444)


def officer(username, first_name):
    user = UserFactory(role=Role.RELATIONS_OFFICER, username=username, first_name=first_name, last_name="الموظف")
    user.set_password(PASSWORD)
    user.save()
    return user


def test_editing_keeps_secrets_masked_and_conflicts_are_shown(live_server, artifacts_dir):
    sara = officer("sara", "سارة")
    officer("khalid", "خالد")
    person = BeneficiaryFactory(iban=OLD_IBAN, health_notes="ربو مزمن")
    HouseholdMember.objects.create(
        beneficiary=person, relation="son", name="سعد", national_id=MEMBER_ID, monthly_income=0
    )
    edit_url = f"{live_server.url}/beneficiaries/{person.public_id}/edit/"

    with chromium_page(viewport={"width": 1280, "height": 1000}) as page, csp_guard(page) as guard:
        # Khalid, on another computer (another browser context), opens the form first and leaves it open.
        khalid_context = page.context.browser.new_context(locale="ar-SA", timezone_id="Asia/Riyadh")
        khalid_page = khalid_context.new_page()
        login(khalid_page, live_server.url, "khalid", PASSWORD)
        khalid_page.goto(edit_url)
        khalid_page.fill("#id_district", "الملز")

        login(page, live_server.url, "sara", PASSWORD)
        page.goto(edit_url)
        html = page.content()
        assert person.national_id not in html and OLD_IBAN not in html and "ربو مزمن" not in html
        assert MEMBER_ID not in html
        assert page.input_value("#id_iban") == "" and OLD_IBAN[-4:] in page.get_attribute("#id_iban", "placeholder")
        # "Show" is the logged reveal, in place.
        page.click("#shown-iban button")
        page.wait_for_selector(f"#shown-iban :text('{OLD_IBAN}')")
        assert SensitiveAccess.objects.filter(user=sara, field="iban").count() == 1
        page.fill("#id_iban", NEW_IBAN)
        page.fill("#id_household-0-monthly_income", "١٥٠٠")
        page.click("main form button[type=submit]")
        page.wait_for_url(f"{live_server.url}/beneficiaries/{person.public_id}/")
        history = page.locator("#changes").inner_text()
        # The income is encrypted at rest: the history says it changed, never the figures (issue 17).
        assert "سارة الموظف" in history and "الدخل الشهري" in history and "1500" not in history
        assert NEW_IBAN not in page.content() and OLD_IBAN not in page.content()
        page.screenshot(path=os.path.join(artifacts_dir, "edit-1-history.png"), full_page=True)
        guard.check("after saving")

        # Khalid saves the form he opened before Sara's save.
        khalid_page.click("main form button[type=submit]")
        khalid_page.wait_for_selector("#form-errors")
        assert "سارة الموظف" in khalid_page.inner_text("#form-errors")
        assert khalid_page.input_value("#id_district") == "الملز"
        khalid_page.screenshot(path=os.path.join(artifacts_dir, "edit-2-conflict.png"), full_page=True)
        khalid_context.close()

    person.refresh_from_db()
    assert person.iban == NEW_IBAN and person.district != "الملز" and person.health_notes == "ربو مزمن"
    assert person.household.get().national_id == MEMBER_ID
    assert BeneficiaryChange.objects.get().actor == sara
