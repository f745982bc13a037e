"""In a real browser: a beneficiary sends a complaint from the public site, the officer answers it,
and the sender reads the answer with the reference number and the mobile."""

import os
import re

import pytest
from django.core.cache import cache

from association.channels import Channel
from association.kernel.roles import Role
from channels_log.cases.models import Case
from tests.browser import chromium_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_public_complaint_answered_by_the_officer(live_server, make_user, artifacts_dir):
    cache.clear()
    officer = make_user(Role.RELATIONS_OFFICER, username="desk", first_name="نورة", last_name="الموظفة")
    officer.set_password("demo12345")
    officer.save()
    with chromium_page() as page:
        page.goto(f"{live_server.url}/contact/")
        # No staff navigation on the public page.
        assert page.locator("a[href='/contacts/']").count() == 0
        page.check("input[name=kind][value=complaint]")
        page.fill("#id_name", "فاطمة علي")
        page.fill("#id_mobile", "٠٥٥١٢٣٤٥٦٧")  # Arabic-Indic digits
        page.fill("#id_subject", "تأخر الرد على طلبي")
        page.fill("#id_body", "قدمت طلبًا قبل شهر <b>ولم</b> يصلني رد.")
        page.click("#public-contact-form button[type=submit]")
        page.wait_for_selector("#case-reference")
        reference = page.inner_text("#case-reference").strip()
        page.screenshot(path=os.path.join(artifacts_dir, "contacts-public-complaint-sent.png"), full_page=True)
        assert re.fullmatch(r"C[A-Z2-9]{9}", reference)
        case = Case.objects.get(reference=reference)
        assert case.kind == "complaint" and case.mobile == "+966551234567"

        page.context.clear_cookies()
        # tests.browser.login clicks the first submit button, which is the header's language switch.
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", "desk")
        page.fill("#id_password", "demo12345")
        page.click("main form button[type=submit]")
        page.wait_for_url(re.compile(r".*/(desk/)?$"))
        page.goto(f"{live_server.url}/cases/")
        page.click(f"text={reference}")
        page.wait_for_selector("#form-answer")
        # The text is shown as typed, never as markup.
        assert "<b>ولم</b>" in page.inner_text("#case-body")
        page.fill("#form-answer textarea[name=response]", "راجعنا طلبك وسيُعرض على اللجنة هذا الأسبوع.")
        page.select_option("#form-answer select[name=channel]", value=str(Channel.objects.get(code="phone").pk))
        page.click("#form-answer button[type=submit]")
        page.wait_for_selector("#case-response")
        page.screenshot(path=os.path.join(artifacts_dir, "contacts-officer-answered.png"), full_page=True)
        case.refresh_from_db()
        assert case.status == Case.Status.ANSWERED and case.response_channel.code == "phone"
        assert case.assignee == officer

        page.context.clear_cookies()
        page.goto(f"{live_server.url}/contact/status/")
        page.fill("#id_reference", reference.lower())
        page.fill("#id_mobile", "0551234567")
        page.click("main form button[type=submit]")
        page.wait_for_selector("#case-status")
        assert "سيُعرض على اللجنة" in page.inner_text("#case-status")
        page.screenshot(path=os.path.join(artifacts_dir, "contacts-public-status.png"), full_page=True)
