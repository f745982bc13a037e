"""On a phone (390 px wide, touch): a person with no file signs in with the code read from the outgoing-message
log, registers, applies with a document and the declaration signed with a finger, and sends; the officer
verifies the document and submits at the desk; the committee decides after the window (time travel); the
person signs in again, downloads the decision letter and confirms receipt of the service. Every action on the
phone is counted: the journey's length is printed and kept below a ceiling."""

import datetime as dt
import io
import os

import pytest
import time_machine
from django.utils import timezone
from pypdf import PdfReader

from association.kernel.roles import Role
from requests_app import services as request_services
from requests_app.models import StatusChange, SupportRequest
from tests.browser import chromium_page, csp_guard, login
from tests.factories import DocumentTypeFactory, ServiceTypeFactory, valid_national_id
from tests.requests_app.factories import cast_votes, set_quorum

from .helpers import last_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}
MOBILE, LOCAL = "+966556660001", "0556660001"
NATIONAL_ID = valid_national_id(76000001)
PASSWORD = "phone-journey-123"
# The whole applicant journey on the phone, from the first page to the confirmed receipt.
STEP_CEILING = 40


class Steps:
    def __init__(self):
        self.count = 0
        self.log: list[str] = []

    def __call__(self, what: str):
        self.count += 1
        self.log.append(what)


def _sign_in(page, base, steps, *, last_four=None):
    steps("open /my/")
    page.goto(f"{base}/my/")
    steps("type the mobile")
    page.fill("#id_mobile", LOCAL)
    steps("tap: send me a code")
    page.click("#sign-in-form button[type=submit]")
    page.wait_for_selector("#code-form")
    steps("type the code from the SMS")
    page.fill("#id_code", last_code(MOBILE))
    steps("tap: sign in")
    page.click("#code-form button[type=submit]")
    page.wait_for_load_state("networkidle")


def _draw(page):
    page.locator("#signature-pad").scroll_into_view_if_needed()
    box = page.locator("#signature-pad").bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + 40)
    page.mouse.down()
    for step in range(1, 12):
        page.mouse.move(box["x"] + 20 + step * 25, box["y"] + 40 + (step % 3) * 30)
    page.mouse.up()


def _no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, page.url


def test_apply_follow_and_confirm_on_a_phone(live_server, make_user, artifacts_dir):
    officer = make_user(Role.RELATIONS_OFFICER, username="p_officer")
    officer.set_password(PASSWORD)
    officer.save()
    members = [make_user(Role.COMMITTEE_MEMBER) for _ in range(2)]
    chair = make_user(Role.COMMITTEE_CHAIR)
    set_quorum(2)
    service = ServiceTypeFactory(name="سلة غذائية شهرية")
    document_type = DocumentTypeFactory(name="صورة الهوية الوطنية")
    service.required_documents.set([document_type])
    id_scan = os.path.join(artifacts_dir, "phone-id-scan.pdf")
    with open(id_scan, "wb") as handle:
        handle.write(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    steps = Steps()
    base = live_server.url

    with chromium_page(**PHONE) as page, csp_guard(page):
        _sign_in(page, base, steps)
        assert page.url.endswith("/my/")
        _no_sideways_scroll(page)
        steps("tap: apply for a service")
        page.click("#btn-apply")
        steps("tap: apply (the service)")
        page.click(f"[data-service='{service.pk}']")
        page.wait_for_selector("#register-form")
        # Registering: the desk's form, less the mobile.
        for selector, value in (
            ("#id_national_id", NATIONAL_ID),
            ("#id_first_name", "نورة"),
            ("#id_father_name", "صالح"),
            ("#id_grandfather_name", "محمد"),
            ("#id_family_name", "الهاتفية"),
            ("#id_birth_date", "1990-03-04"),
            ("#id_city", "الرياض"),
            ("#id_household-0-name", "خالد"),
        ):
            steps(f"type {selector}")
            page.fill(selector, value)
        for selector, value in (
            ("#id_gender", "female"),
            ("#id_marital_status", "widowed"),
            ("#id_household-0-relation", "son"),
        ):
            steps(f"choose {selector}")
            page.select_option(selector, value)
        _no_sideways_scroll(page)
        steps("tap: register")
        page.click("#register-form button[type=submit]")
        page.wait_for_selector("#apply-form")
        # Applying: what for, the document, the declaration signed with a finger.
        steps("type what is asked for")
        page.fill("#id_description", "نحتاج سلة غذائية للأسرة")
        steps("choose the ID scan")
        page.set_input_files(f"#id_document_{document_type.pk}", id_scan)
        steps("sign with a finger")
        _draw(page)
        assert page.input_value("#id_signature_data").startswith("data:image/png;base64,")
        _no_sideways_scroll(page)
        page.screenshot(path=os.path.join(artifacts_dir, "phone-1-apply.png"), full_page=True)
        steps("tap: sign and send")
        page.click("#btn-send")
        page.wait_for_selector("#my-status")
        support_request = SupportRequest.objects.get(beneficiary__mobile=MOBILE)
        assert support_request.received_online_at and support_request.channel.code == "website"
        assert "تحقق" in page.inner_text("#my-status") or "verif" in page.inner_text("#my-status")
        page.screenshot(path=os.path.join(artifacts_dir, "phone-2-received.png"), full_page=True)
        applicant_steps_to_apply = steps.count

    # The officer, at the desk: the request received online is on the desk; verify the document, submit.
    with chromium_page(viewport={"width": 1280, "height": 1000}) as page:
        login(page, base, "p_officer", PASSWORD)
        page.goto(f"{base}/desk/")
        page.click(f"#received-online a[href='/requests/{support_request.pk}/']")
        page.click(f"#verify-doc-{document_type.pk} button[type=submit]")
        page.wait_for_selector("#btn-submit")
        page.click("#btn-submit")
        page.wait_for_function("document.querySelector('#request-status').innerText.length > 0")
    support_request.refresh_from_db()
    assert support_request.status == "submitted" and support_request.number
    request_services.support_request_send_to_committee(support_request=support_request, actor=officer)
    cast_votes(support_request, members)

    # After the window: the committee decides; the desk registers and delivers.
    with time_machine.travel(timezone.now() + dt.timedelta(days=15), tick=True):
        request_services.committee_decide(
            support_request=support_request,
            actor=chair,
            outcome="approved",
            reasons="الأسرة مستحقة",
            grant={"grant_kind": "in_kind", "grant_items": "سلة غذائية"},
        )
        request_services.support_request_register(support_request=support_request, actor=officer)
        delivery = request_services.delivery_record(
            support_request=support_request,
            actor=officer,
            delivered_on=timezone.localdate(),
            what="سلة غذائية",
            quantity=1,
        )
        with chromium_page(accept_downloads=True, **PHONE) as page, csp_guard(page):
            _sign_in(page, base, steps)
            steps("tap: the request")
            page.click(f"#my-requests a[href='/my/requests/{support_request.pk}/']")
            steps("tap: decision letter")
            page.click("a[data-pdf=decision]")
            page.wait_for_selector("#id-check-form")
            steps("type the ID's last four digits")
            page.fill("#id_last_four", NATIONAL_ID[-4:])
            with page.expect_download() as download_info:
                steps("tap: continue (the letter downloads)")
                page.click("#id-check-form button[type=submit]")
            letter = open(download_info.value.path(), "rb").read()  # noqa: SIM115
            page.goto(f"{base}/my/requests/{support_request.pk}/")  # back to the request after the download
            steps("back to the request")
            _no_sideways_scroll(page)
            steps("tap: I received it")
            page.click(f"[data-confirm-receipt='{delivery.pk}']")
            page.wait_for_selector("#deliveries .text-success")
            page.screenshot(path=os.path.join(artifacts_dir, "phone-3-received.png"), full_page=True)

    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(letter)).pages)
    assert support_request.number in text
    delivery.refresh_from_db()
    assert delivery.receipt_confirmed
    history = list(StatusChange.objects.filter(support_request=support_request).values_list("new_status", flat=True))
    assert history == ["draft", "submitted", "awaiting_committee", "approved", "registered", "service_delivered"]
    print(f"\nPHONE JOURNEY: {steps.count} steps ({applicant_steps_to_apply} to send the request)")
    print("\n".join(f"  {n}. {what}" for n, what in enumerate(steps.log, 1)))
    assert steps.count <= STEP_CEILING
