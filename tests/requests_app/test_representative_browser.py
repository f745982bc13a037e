"""In a real browser on a phone-size screen (390 × 844): the Al-Kharj office's demo representative, at the
family's home, registers them, records the visit through the representatives' channel, opens a draft, hands
in the ID copy and has the applicant sign the declaration on screen. No page scrolls sideways; every record
carries the representative's branch; submitting stays with the office."""

import io
import os

import pytest
from django.core.management import call_command

from association.branches import Branch
from beneficiaries.models import Beneficiary
from beneficiaries.search import national_id_hash
from channels_log.contacts.models import ContactEntry
from requests_app.models import SupportRequest
from tests.browser import chromium_page, csp_guard, login
from tests.factories import valid_national_id

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

NATIONAL_ID = valid_national_id(77770390)
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def _fits(page, artifacts_dir, name):
    """The page is no wider than the screen (nothing to scroll sideways); a screenshot is kept."""
    page.wait_for_load_state("networkidle")
    scroll_width, screen_width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll_width <= screen_width, f"{name}: {scroll_width}px wide on a {screen_width}px screen"
    page.screenshot(path=os.path.join(artifacts_dir, f"representative-{name}.png"), full_page=True)


def test_representative_field_intake_on_a_phone(live_server, artifacts_dir):
    call_command("seed_demo", stdout=io.StringIO())
    kharj = Branch.objects.get(name="مكتب الخرج")
    with chromium_page(**PHONE) as page, csp_guard(page) as guard:
        login(page, live_server.url, "representative", "demo12345")
        assert page.url.endswith("/desk/")  # the representative's home is the intake desk
        _fits(page, artifacts_dir, "1-desk")

        page.goto(f"{live_server.url}/beneficiaries/new/")
        page.fill("#id_national_id", NATIONAL_ID)
        page.fill("#id_first_name", "نوف")
        page.fill("#id_father_name", "سعد")
        page.fill("#id_grandfather_name", "ناصر")
        page.fill("#id_family_name", "الميداني")
        page.select_option("#id_gender", "female")
        page.fill("#id_birth_date", "1988-02-11")
        page.select_option("#id_marital_status", "widowed")
        page.fill("#id_mobile", "0561239870")
        page.fill("#id_city", "الخرج")
        _fits(page, artifacts_dir, "2-register")
        page.click("main form button.btn-primary[type=submit]")
        page.wait_for_selector("h1:has-text('نوف سعد ناصر الميداني')")
        beneficiary = Beneficiary.objects.get(national_id_hash=national_id_hash(NATIONAL_ID))
        assert beneficiary.branch == kharj
        _fits(page, artifacts_dir, "3-file")

        page.goto(f"{live_server.url}/contacts/new/?beneficiary={beneficiary.public_id}")
        page.select_option("#id_channel", label="مناديب الجمعية / مندوبو المكاتب الفرعية")
        page.select_option("#id_purpose", "service_request")
        page.fill("#id_subject", "زيارة ميدانية")
        page.fill("#id_body", "زار المندوب الأسرة في منزلها بالخرج.")
        _fits(page, artifacts_dir, "4-contact")
        page.click("main form button.btn-primary[type=submit]")
        page.wait_for_selector("#contacts :text('زيارة ميدانية')")
        entry = ContactEntry.objects.get(beneficiary=beneficiary)
        assert (entry.channel.code, entry.branch, entry.recorded_by.username) == (
            "representative",
            kharj,
            "representative",
        )

        page.goto(f"{live_server.url}/beneficiaries/{beneficiary.public_id}/requests/new/")
        page.select_option("#id_service_type", label="مساعدة مالية")
        page.select_option("#id_channel", label="مناديب الجمعية / مندوبو المكاتب الفرعية")
        assert page.input_value("#id_branch") == str(kharj.pk)  # the representative's branch, preselected
        page.fill("#id_description", "أرملة تعول ثلاثة أبناء، بلا دخل ثابت.")
        _fits(page, artifacts_dir, "5-draft-form")
        page.click("main form button.btn-primary[type=submit]")
        page.wait_for_selector("#missing-items")
        draft = SupportRequest.objects.get(beneficiary=beneficiary)
        assert (draft.status, draft.branch) == (SupportRequest.Status.DRAFT, kharj)
        _fits(page, artifacts_dir, "6-request")

        # The ID copy, photographed at the home: uploaded (verifying against the original is the office's).
        id_copy = draft.service_type.required_documents.get(code="national_id")
        form = page.locator(f"#missing-doc-{id_copy.pk}")
        form.locator("input[type=file]").set_input_files(
            files=[{"name": "id.pdf", "mimeType": "application/pdf", "buffer": PDF}]
        )
        assert form.locator("button:has-text('مطابق')").count() == 0
        form.locator("button[type=submit]").click()
        page.wait_for_selector(".alert-success")
        document = beneficiary.documents.get(document_type=id_copy)
        assert document.supplied_by.username == "representative" and document.verified_at is None

        # The declaration, signed on the phone's screen before the representative.
        page.goto(f"{live_server.url}/requests/{draft.pk}/declaration/")
        _fits(page, artifacts_dir, "7-declaration")
        pad = page.locator("#signature-pad").bounding_box()
        assert pad["width"] <= 390
        page.mouse.move(pad["x"] + 20, pad["y"] + 40)
        page.mouse.down()
        for step in range(1, 12):
            page.mouse.move(pad["x"] + 20 + step * 25, pad["y"] + 40 + (step % 3) * 30)
        page.mouse.up()
        page.click("main form button.btn-primary[type=submit]")
        page.wait_for_selector(".alert-success")
        draft.refresh_from_db()
        assert draft.has_signed_declaration()
        assert draft.declaration.witness.username == "representative"
        _fits(page, artifacts_dir, "8-signed")

        # Submitting is the office's step: no button for it here, and the address answers 403.
        assert page.locator(f"form[action='/requests/{draft.pk}/submit/']").count() == 0
        guard.check("the field intake")
    response_status = _post_status(live_server, draft.pk)
    assert response_status == 403
    draft.refresh_from_db()
    assert draft.status == SupportRequest.Status.DRAFT


def _post_status(live_server, pk) -> int:
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username="representative"))
    return client.post(f"/requests/{pk}/submit/").status_code
