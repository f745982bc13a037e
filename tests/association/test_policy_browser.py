"""In a real browser: the manager imports the policy file, corrects the preview, saves the draft, records
the board approval; the public page then shows it. Screenshots go to ``test-artifacts/``."""

import os
from pathlib import Path

import pytest
from django.conf import settings

from association.kernel.roles import Role
from association.policy.models import PolicyVersion
from tests.browser import chromium_page, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
PASSWORD = "policy-pass-123"
DEMO = Path(settings.BASE_DIR) / "association" / "fixtures" / "demo_policy.txt"


def test_manager_imports_approves_and_the_public_page_shows_it(live_server, make_user, artifacts_dir):
    manager = make_user(Role.MANAGER, username="policy-manager")
    manager.set_password(PASSWORD)
    manager.save()
    with chromium_page() as page:
        login(page, live_server.url, "policy-manager", PASSWORD)
        page.goto(f"{live_server.url}/policy/manage/import/")
        page.set_input_files("input[type=file]", str(DEMO))
        page.click("main button[type=submit]")
        page.wait_for_selector("input[name=step][value=save]", state="attached")
        assert page.input_value("#id_decision_window_days") == "14"
        assert page.input_value("#id_board_meeting") == "3"
        page.screenshot(path=os.path.join(artifacts_dir, "policy-import-preview.png"), full_page=True)
        # Correct the title in the preview, then save the draft.
        page.fill("#id_title", "سياسة تنظيم العلاقة مع المستفيدين (محدثة)")
        page.click("main button[type=submit].btn-primary")
        page.wait_for_load_state("networkidle")
        version = PolicyVersion.objects.get()
        assert version.title.endswith("(محدثة)")
        assert version.status == PolicyVersion.Status.DRAFT

        page.goto(f"{live_server.url}/policy/manage/{version.pk}/approve/")
        assert page.input_value("#id_signatory_name") == "أ. عبدالرحمن بن سالم القحطاني"
        page.fill("#id_approval_date", "١٤٤٦/٠٣/٠٥ هـ")
        page.click("main button[type=submit]")
        page.wait_for_load_state("networkidle")
        version.refresh_from_db()
        assert version.status == PolicyVersion.Status.APPROVED
        assert str(version.approval_date) == "2024-09-08"

        page.context.clear_cookies()
        page.goto(f"{live_server.url}/policy/")
        text = page.inner_text("main")
        assert "(محدثة)" in text
        assert "3/12" in text
        assert "2024-09-08" in text and "1446-03-05" in text
        page.screenshot(path=os.path.join(artifacts_dir, "policy-public.png"), full_page=True)
        response = page.request.get(f"{live_server.url}/policy/{version.pk}/pdf/")
        assert response.status == 200
        assert response.body().startswith(b"%PDF")
