"""In a real browser, the relations officer's main job without a detour: find the caller at the desk, register
them with values pasted as people write them (an ID in Arabic-Indic digits with spaces, a grouped mobile and
IBAN), record the call, open a draft, hand in every missing document from the request page itself, have the
declaration signed and submit — with no CSP violation, console or script error on the way.

The test counts what the officer does (button and link clicks, dropdown choices, files chosen) and the pages
loaded, and fails if the job grows back towards the detour through the beneficiary's page (33 actions and 19
page loads for a four-document service before the request page took the documents itself)."""

import datetime as dt
import os
import re

import pytest
from django.core.management import call_command
from django.utils import timezone

from association.demo import demo_iban
from beneficiaries.models import Beneficiary
from beneficiaries.search import national_id_hash
from channels_log.contacts.models import ContactEntry
from requests_app.models import StatusChange, SupportRequest
from tests.browser import chromium_page, csp_guard, login
from tests.factories import valid_national_id

from .factories import tiny_png

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

NATIONAL_ID = valid_national_id(61975540)
# «١ ٦١٩٧ ٥٥٤٠X» as it reads on the card: Arabic-Indic digits in groups.
PASTED_ID = f"{NATIONAL_ID[0]} {NATIONAL_ID[1:5]} {NATIONAL_ID[5:]}".translate(
    str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
)
PASTED_MOBILE = "+966 56 929 7620"
IBAN = demo_iban("80", 4815162342)
PASTED_IBAN = " ".join(IBAN[i : i + 4] for i in range(0, len(IBAN), 4))

# Before the request page took the missing documents, the same job (four documents) took 33 actions
# (19 clicks on buttons and links, 10 dropdown choices, 4 files) and 19 page loads.
BEFORE = {"actions": 33, "clicks": 19, "loads": 19}


class Officer:
    """Drives the page and counts what the officer does: each click, dropdown choice and file chosen, and
    every page the browser loads."""

    def __init__(self, page):
        self.page = page
        self.clicks = self.choices = self.files = 0
        self.loads: list[str] = []
        page.on("load", lambda _page: self.loads.append(re.sub(r"^https?://[^/]+", "", page.url)))

    @property
    def actions(self) -> int:
        return self.clicks + self.choices + self.files

    def click(self, selector):
        self.clicks += 1
        with self.page.expect_navigation():
            self.page.click(selector)

    def choose(self, selector, **option):
        self.choices += 1
        self.page.select_option(selector, **option)

    def attach(self, selector, name):
        self.files += 1
        self.page.set_input_files(selector, [{"name": name, "mimeType": "image/png", "buffer": tiny_png()}])


def _sign(page):
    box = page.locator("#signature-pad").bounding_box()
    page.mouse.move(box["x"] + 30, box["y"] + 40)
    page.mouse.down()
    for step in range(1, 12):
        page.mouse.move(box["x"] + 30 + step * 25, box["y"] + 40 + (step % 3) * 30)
    page.mouse.up()


def test_the_officers_main_job_without_a_detour(live_server, artifacts_dir):
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115 — the demo officer and catalogues
    with chromium_page(viewport={"width": 1280, "height": 900}) as page, csp_guard(page) as guard:
        login(page, live_server.url, "officer", "demo12345")
        assert page.url.endswith("/desk/")
        officer = Officer(page)

        # Find: the desk searches as the officer types (the ID as it reads on the card).
        page.fill("#id_q", PASTED_ID)
        page.wait_for_selector("#search-results .alert-info")
        officer.click("#search-results a.alert-link")

        # Register with pasted, grouped values.
        page.fill("#id_national_id", PASTED_ID)
        page.fill("#id_first_name", "هند")
        page.fill("#id_father_name", "سعد")
        page.fill("#id_grandfather_name", "علي")
        page.fill("#id_family_name", "المسار")
        officer.choose("#id_gender", value="female")
        page.fill("#id_birth_date", "1988-03-14")
        officer.choose("#id_marital_status", value="widowed")
        page.fill("#id_mobile", PASTED_MOBILE)
        page.fill("#id_city", "الرياض")
        page.fill("#id_iban", PASTED_IBAN)
        officer.click("main form button.btn-primary[type=submit]")
        page.wait_for_selector("h1:has-text('هند سعد علي المسار')")
        beneficiary = Beneficiary.objects.get(national_id_hash=national_id_hash(NATIONAL_ID))
        assert (beneficiary.mobile, beneficiary.iban) == ("+966569297620", IBAN)
        guard.check("registration")

        # Record the call.
        officer.click(f"a[href='/contacts/new/?beneficiary={beneficiary.public_id}']")
        officer.choose("#id_channel", label="الاتصالات الهاتفية")
        officer.choose("#id_purpose", value="service_request")
        page.fill("#id_subject", "طلب مساعدة مالية")
        page.fill("#id_body", "اتصلت المستفيدة تطلب مساعدة مالية بعد وفاة زوجها.")
        officer.click("main form button.btn-primary[type=submit]")
        assert ContactEntry.objects.filter(beneficiary=beneficiary, channel__code="phone").exists()

        # Open the draft.
        officer.click(f"a[href='/beneficiaries/{beneficiary.public_id}/requests/new/']")
        officer.choose("#id_service_type", label="مساعدة مالية")
        officer.choose("#id_channel", label="الاتصالات الهاتفية")
        page.fill("#id_description", "أرملة بلا دخل ثابت تطلب مساعدة مالية.")
        officer.click("main form button.btn-primary[type=submit]")
        draft = SupportRequest.objects.get(beneficiary=beneficiary)
        request_path = f"/requests/{draft.pk}/"
        loads_before_draft = len(officer.loads)
        # One next step in full; withdrawing and returning wait behind «more actions».
        assert page.locator("#actions .btn-primary").count() == 1
        assert not page.locator("#form-withdraw").is_visible()
        page.screenshot(path=os.path.join(artifacts_dir, "officer-job-1-draft.png"), full_page=True)

        # Every missing document handed in and verified from the request page.
        required = list(draft.service_type.required_documents.all())
        assert len(required) == 4
        for document_type in required:
            form = f"#missing-doc-{document_type.pk}"
            officer.attach(f"{form} input[type=file]", f"{document_type.code}.png")
            if document_type.validity:  # a salary certificate counts for months from its issue date
                issued = (timezone.localdate() - dt.timedelta(days=10)).isoformat()
                page.fill(f"{form} input[name$='-issued_on']", issued)
            officer.click(f"{form} button[name$='-verified']")
            page.wait_for_selector("#missing-items")
            assert page.locator(form).count() == 0
        assert list(
            beneficiary.documents.filter(verified_by__username="officer").values_list("document_type", flat=True)
        )
        assert beneficiary.documents.filter(verified_at__isnull=False).count() == 4
        page.screenshot(path=os.path.join(artifacts_dir, "officer-job-2-documents.png"), full_page=True)

        # The declaration, then submit: each is the page's one primary button when it is due.
        officer.click("#btn-declaration")
        _sign(page)
        officer.click("#declaration-form button[type=submit]")
        officer.click("#btn-submit")
        draft.refresh_from_db()
        assert draft.status == SupportRequest.Status.SUBMITTED and draft.number
        assert draft.number in page.inner_text("h1")
        page.screenshot(path=os.path.join(artifacts_dir, "officer-job-3-submitted.png"), full_page=True)
        guard.check("the request page")

    # No detour: from the draft on, only the request page and its declaration page were loaded.
    after_draft = {re.sub(r"#.*$", "", path) for path in officer.loads[loads_before_draft:]}
    assert after_draft <= {request_path, f"{request_path}declaration/"}, officer.loads
    steps = list(StatusChange.objects.filter(support_request=draft).values_list("new_status", flat=True))
    assert steps == ["draft", "submitted"]

    figures = {"actions": officer.actions, "clicks": officer.clicks, "loads": len(officer.loads)}
    with open(os.path.join(artifacts_dir, "officer-job-clicks.txt"), "w") as report:
        report.write(
            f"before: {BEFORE['actions']} actions ({BEFORE['clicks']} clicks), {BEFORE['loads']} page loads\n"
            f"after:  {figures['actions']} actions ({officer.clicks} clicks, {officer.choices} dropdown choices, "
            f"{officer.files} files), {figures['loads']} page loads\n" + "\n".join(officer.loads) + "\n"
        )
    assert figures["actions"] <= 24 and figures["clicks"] <= 13 and figures["loads"] <= 13, figures
