"""In a real browser: the demo relations officer registers a beneficiary (ID typed in Arabic-Indic
digits), records a contact and starts a request draft, on right-to-left pages. Screenshots are kept
in ``test-artifacts/``."""

import os

import pytest
from django.core.management import call_command

from beneficiaries.models import Beneficiary
from beneficiaries.search import national_id_hash
from channels_log.contacts.models import ContactEntry
from requests_app.models import SupportRequest
from tests.browser import chromium_page, login
from tests.factories import valid_national_id

# serialized_rollback: the flush after a live-server test would otherwise also delete the rows the
# data migrations made (the eight channels), which the tests that run after this one rely on.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

NATIONAL_ID = valid_national_id(77770001)
ARABIC_ID = NATIONAL_ID.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))


def _shot(page, artifacts_dir, name):
    path = os.path.join(artifacts_dir, name)
    page.screenshot(path=path, full_page=True)
    assert os.path.getsize(path) > 10_000
    return path


def test_officer_registers_records_a_contact_and_starts_a_draft_in_rtl(live_server, artifacts_dir):
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115 — the demo officer
    with chromium_page(viewport={"width": 1280, "height": 900}) as page:
        login(page, live_server.url, "officer", "demo12345")
        # The relations officer lands on the intake desk.
        assert page.url.endswith("/desk/")
        assert page.get_attribute("html", "dir") == "rtl" and page.get_attribute("html", "lang") == "ar"
        _shot(page, artifacts_dir, "intake-1-desk.png")

        # Search first (nobody), then register from the desk.
        page.fill("#id_q", ARABIC_ID)
        page.click("main form[role=search] button[type=submit]")
        page.wait_for_selector("#search-results .alert-info")
        assert NATIONAL_ID not in page.url and ARABIC_ID not in page.url
        page.click("#search-results a.alert-link")
        page.wait_for_selector("#id_national_id")

        page.locator("#id_national_id").press_sequentially(ARABIC_ID)
        page.fill("#id_first_name", "ريم")
        page.fill("#id_father_name", "خالد")
        page.fill("#id_grandfather_name", "ناصر")
        page.fill("#id_family_name", "المتصفح")
        page.select_option("#id_gender", "female")
        page.locator("#id_birth_date").press_sequentially("١٤١٠-١٠-٢٦ هـ")
        page.select_option("#id_marital_status", "single")
        page.locator("#id_mobile").press_sequentially("٠٥٦١٢٣٩٨٧٦")
        page.fill("#id_city", "الرياض")
        page.select_option("#id_household-0-relation", "mother")
        page.fill("#id_household-0-name", "سارة ناصر")
        _shot(page, artifacts_dir, "intake-2-register-form.png")
        page.click("main form button.btn-primary[type=submit]")
        page.wait_for_selector("h1:has-text('ريم خالد ناصر المتصفح')")

        beneficiary = Beneficiary.objects.get(national_id_hash=national_id_hash(NATIONAL_ID))
        assert beneficiary.mobile == "+966561239876"
        assert str(beneficiary.birth_date) == "1990-05-21"
        assert list(beneficiary.household.values_list("name", flat=True)) == ["سارة ناصر"]
        assert page.get_attribute("html", "dir") == "rtl"
        content = page.content()
        assert NATIONAL_ID not in content and NATIONAL_ID[-4:] in content  # masked on the file page
        assert "1410-10-26 هـ" in page.inner_text("main")  # birth date shown in Hijri too
        _shot(page, artifacts_dir, "intake-3-beneficiary-file.png")

        # Record the contact from the file.
        page.click("a:has-text('تسجيل تواصل'), a[href*='/contacts/new/']")
        page.wait_for_selector("#id_channel")
        page.select_option("#id_channel", label="المقابلة")
        page.select_option("#id_purpose", "inquiry")
        page.fill("#id_subject", "استفسار عن المساعدات")
        page.fill("#id_body", "حضرت المستفيدة وسألت عن شروط المساعدة المالية.")
        _shot(page, artifacts_dir, "intake-4-contact-form.png")
        page.click("main form button.btn-primary[type=submit]")
        page.wait_for_selector("#contacts :text('استفسار عن المساعدات')")
        entry = ContactEntry.objects.get(beneficiary=beneficiary)
        assert (entry.channel.code, entry.purpose) == ("interview", "inquiry")

        # Start a support-request draft; the checklist of required documents is on the page.
        page.click(f"a[href='/beneficiaries/{beneficiary.public_id}/requests/new/']")
        page.wait_for_selector("#id_service_type")
        assert "صورة الهوية الوطنية / الإقامة" in page.content()
        page.select_option("#id_service_type", label="مساعدة مالية")
        page.select_option("#id_channel", label="المقابلة")
        page.fill("#id_description", "أسرة من فردين بلا دخل ثابت.")
        _shot(page, artifacts_dir, "intake-5-draft-form.png")
        page.click("main form button.btn-primary[type=submit]")
        page.wait_for_selector("h1 .badge")
        draft = SupportRequest.objects.get(beneficiary=beneficiary)
        assert draft.status == SupportRequest.Status.DRAFT and draft.service_type.code == "financial_aid"
        assert page.get_attribute("html", "dir") == "rtl"
        _shot(page, artifacts_dir, "intake-6-draft.png")
