"""In a real browser: intake → declaration signed on the canvas → submit → research → votes → the chair is
refused before the window, decides after it, and downloads the decision letter. Screenshots go to
``test-artifacts/``."""

import datetime as dt
import io
import os

import pytest
import time_machine
from django.utils import timezone
from pypdf import PdfReader

from association.kernel.roles import Role
from beneficiaries.models import Beneficiary
from requests_app.models import CommitteeDecision, StatusChange, SupportRequest
from tests.browser import chromium_page, login
from tests.factories import BeneficiaryFactory, DocumentTypeFactory, ServiceTypeFactory

from .factories import add_document

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
PASSWORD = "journey-pass-123"


def _user(make_user, role, username):
    user = make_user(role, username=username)
    user.set_password(PASSWORD)
    user.save()
    return user


def _as(page, live_server, username):
    page.context.clear_cookies()
    login(page, live_server.url, username, PASSWORD)


def _status(page) -> str:
    return page.inner_text("#request-status").strip()


def _shot(page, artifacts_dir, name):
    page.screenshot(path=os.path.join(artifacts_dir, name), full_page=True)


def test_request_journey_from_intake_to_the_decision_letter(live_server, make_user, artifacts_dir):
    officer = _user(make_user, Role.RELATIONS_OFFICER, "j_officer")
    _user(make_user, Role.SOCIAL_RESEARCHER, "j_researcher")
    for name in ("j_member1", "j_member2"):
        _user(make_user, Role.COMMITTEE_MEMBER, name)
    _user(make_user, Role.COMMITTEE_CHAIR, "j_chair")
    service = ServiceTypeFactory(name="مساعدة مالية للرحلة")
    service.required_documents.set([DocumentTypeFactory(name="صورة الهوية للرحلة")])
    beneficiary: Beneficiary = BeneficiaryFactory(family_name="الرحالة")
    add_document(beneficiary, service.required_documents.get(), verified_by=officer)

    with chromium_page(viewport={"width": 1280, "height": 1000}) as page:
        # Intake: the officer opens the request.
        _as(page, live_server, "j_officer")
        page.goto(f"{live_server.url}/beneficiaries/{beneficiary.public_id}/requests/new/")
        page.select_option("#id_service_type", str(service.pk))
        page.select_option("#id_channel", label="المقابلة")
        page.fill("#id_description", "طلب مساعدة مالية لسداد الإيجار")
        page.click("main form button[type=submit]")
        page.wait_for_selector("#request-status")
        support_request = SupportRequest.objects.get(beneficiary=beneficiary)

        # The applicant signs the declaration on the canvas, witnessed by the officer.
        page.click(f"a[href='/requests/{support_request.pk}/declaration/']")
        box = page.locator("#signature-pad").bounding_box()
        page.mouse.move(box["x"] + 30, box["y"] + 40)
        page.mouse.down()
        for step in range(1, 12):
            page.mouse.move(box["x"] + 30 + step * 25, box["y"] + 40 + (step % 3) * 30)
        page.mouse.up()
        assert page.input_value("#id_signature_data").startswith("data:image/png;base64,")
        _shot(page, artifacts_dir, "journey-1-declaration.png")
        page.click("#declaration-form button[type=submit]")
        page.wait_for_selector("#btn-submit")
        page.click("#btn-submit")
        page.wait_for_selector("#form-refer")
        support_request.refresh_from_db()
        assert support_request.number and support_request.number in page.inner_text("h1")
        assert support_request.declaration.method == "screen"

        # Unclear case: referred to the researcher.
        page.select_option("#id_refer-researcher", index=1)
        page.fill("#id_refer-reason", "يحتاج زيارة للتحقق من السكن")
        page.click("#form-refer button[type=submit]")
        page.wait_for_function("document.querySelector('#request-status').innerText.length > 0")
        assert SupportRequest.objects.get(pk=support_request.pk).status == "in_research"

        # Research: visit, assessment, recommendation.
        _as(page, live_server, "j_researcher")
        page.click(f"#home-assignments a[href='/requests/{support_request.pk}/']")
        page.fill("#id_study-visit_date", timezone.localdate().isoformat())
        page.fill("#id_study-monthly_income", "٢٤٠٠")
        page.fill("#id_study-household_size", "4")
        page.select_option("#id_study-housing", "rented")
        page.click("#form-study button[type=submit]")
        page.wait_for_selector("#form-recommend")
        assert "600" in page.inner_text("main")  # income per person
        page.select_option("#id_recommend-recommendation", "approve")
        page.fill("#id_recommend-reasons", "دخل الفرد منخفض والسكن بالإيجار")
        page.click("#form-recommend button[type=submit]")
        page.wait_for_load_state("networkidle")
        assert SupportRequest.objects.get(pk=support_request.pk).status == "awaiting_committee"

        # Votes: two members and the chair approve.
        for username in ("j_member1", "j_member2", "j_chair"):
            _as(page, live_server, username)
            page.goto(f"{live_server.url}/requests/{support_request.pk}/")
            page.check("#form-vote input[value=approve]")
            page.click("#form-vote button[type=submit]")
            page.wait_for_load_state("networkidle")
        assert support_request.votes.count() == 3

        # Before the window: the chair is refused, nothing changes.
        page.check("#form-decide input[value=approved]")
        page.fill("#id_decide-reasons", "الأسرة مستحقة")
        page.select_option("#id_decide-grant_kind", "cash")
        page.fill("#id_decide-grant_amount", "1500")
        page.click("#form-decide button[type=submit]")
        page.wait_for_selector("#form-decide .alert-danger, #form-decide .invalid-feedback, #form-decide .text-danger")
        assert not CommitteeDecision.objects.exists()
        _shot(page, artifacts_dir, "journey-2-too-early.png")

    # Fifteen days later (Riyadh): the chair decides and downloads the letter.
    with (
        time_machine.travel(timezone.now() + dt.timedelta(days=15), tick=True),
        chromium_page(viewport={"width": 1280, "height": 1000}, accept_downloads=True) as page,
    ):
        _as(page, live_server, "j_chair")
        page.click(f"#home-agenda a[href='/requests/{support_request.pk}/']")
        page.check("#form-decide input[value=approved]")
        page.fill("#id_decide-reasons", "الأسرة مستحقة وفق البحث")
        page.select_option("#id_decide-grant_kind", "cash")
        page.fill("#id_decide-grant_amount", "1500")
        page.fill("#id_decide-grant_period_months", "3")
        page.click("#form-decide button[type=submit]")
        page.wait_for_selector("a[data-pdf=decision]")
        _shot(page, artifacts_dir, "journey-3-decided.png")
        with page.expect_download() as download_info:
            page.click("a[data-pdf=decision]")
        data = open(download_info.value.path(), "rb").read()  # noqa: SIM115

    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    support_request.refresh_from_db()
    assert support_request.status == "approved"
    assert support_request.number in text and beneficiary.full_name in text
    steps = list(StatusChange.objects.filter(support_request=support_request).values_list("new_status", flat=True))
    assert steps == ["draft", "submitted", "in_research", "awaiting_committee", "approved"]
