"""In a real browser: an officer uploads a workbook, reads the bad rows in the preview, and imports
the valid ones."""

import os

import pytest

from association.celery import app as celery_app
from association.kernel.roles import Role
from beneficiaries.models import Beneficiary, BulkTransfer
from tests.browser import chromium_page

from .import_files import ImportFile, valid_row

# serialized_rollback: another live-server test's flush may have emptied the tables the migrations
# filled (role groups, channels); this restores them first.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_officer_previews_and_imports_a_workbook(live_server, make_user, artifacts_dir, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    officer = make_user(Role.RELATIONS_OFFICER, username="importer", first_name="سارة")
    officer.set_password("demo12345")
    officer.save()
    rows = [valid_row(n) for n in range(20)]
    rows[4]["mobile"] = "0412345678"
    rows[9]["birth_date"] = "1445-13-01 هـ"
    rows[15]["national_id"] = "1000000001"
    workbook = tmp_path / "مستفيدون.xlsx"
    workbook.write_bytes(ImportFile(rows=rows).xlsx())

    with chromium_page() as page:
        # Submit with Enter: the page has other submit buttons (the language switch).
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", "importer")
        page.fill("#id_password", "demo12345")
        page.press("#id_password", "Enter")
        page.wait_for_load_state("networkidle")
        page.goto(f"{live_server.url}/beneficiaries/import/")
        assert page.locator("a[href='/beneficiaries/import/template/']").count() == 1
        page.set_input_files("#id_file", str(workbook))
        page.click("form[enctype] button[type=submit]")
        page.wait_for_selector("#import-problems")
        page.screenshot(path=os.path.join(artifacts_dir, "import-preview.png"), full_page=True)
        assert page.inner_text("#count-valid").strip() == "17"
        assert page.inner_text("#count-invalid").strip() == "3"
        lines = page.locator("#import-problems tbody tr").evaluate_all("rows => rows.map(r => r.dataset.line)")
        assert lines == ["6", "11", "17"]
        assert Beneficiary.objects.count() == 0

        # The worker runs the task in the server's process as soon as the confirmation commits.
        eager, celery_app.conf.task_always_eager = celery_app.conf.task_always_eager, True
        try:
            page.click("form[action='/beneficiaries/import/confirm/'] button[type=submit]")
            page.wait_for_selector("#import-result")
        finally:
            celery_app.conf.task_always_eager = eager
        page.screenshot(path=os.path.join(artifacts_dir, "import-done.png"), full_page=True)
        assert "17" in page.inner_text("#import-result")
        page.click("#import-run a[href='/beneficiaries/']")
        page.wait_for_url(f"{live_server.url}/beneficiaries/")

    assert Beneficiary.objects.count() == 17
    assert BulkTransfer.objects.get().rejected_rows == 3
