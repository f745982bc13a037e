"""A person's data (PDPL access request): every app's part in one export, nobody else's; JSON and a readable
Arabic PDF; from the command line and from the staff screen, and every export reviewable by the managers."""

import json
import shutil
import subprocess

import pytest
from django.core.management import call_command
from django.urls import reverse

from beneficiaries.models import BulkTransfer
from beneficiaries.privacy.subject import subject_data
from tests.beneficiaries.privacy_world import person_with_everything

pytestmark = pytest.mark.django_db


def _sections(data):
    return {found["key"]: found for found in data["sections"]}


def test_the_export_holds_every_part_of_the_person_and_nothing_of_the_neighbour():
    person = person_with_everything()
    neighbour = person_with_everything(family_name="الجار")
    data = subject_data(person)
    sections = _sections(data)
    assert {
        "profile",
        "household",
        "documents",
        "consents",
        "requests",
        "decisions",
        "contacts",
        "cases",
        "messages",
        "survey_invitations",
        "subject_requests",
        "sensitive_access",
    } <= set(sections)
    [profile] = sections["profile"]["rows"]
    assert profile["national_id"] == person.national_id and profile["iban"] == "SA0380000000608010167519"
    assert profile["health_notes"] == "ربو مزمن" and profile["full_name"].startswith("نورة")
    assert sections["household"]["rows"][0]["name"] == "خالد"
    assert sections["documents"]["rows"][0]["original_name"] == "هوية-نورة.pdf"
    assert sections["requests"]["rows"][0]["description"] == "أحتاج مساعدة في الإيجار"
    assert sections["decisions"]["rows"][0]["reasons"] == "الدخل أقل من الحد"
    assert sections["contacts"]["rows"][0]["subject"] == "استفسار عن الطلب"
    assert sections["messages"]["rows"][0]["text"] == "استلمنا طلبك"
    assert len(sections["survey_invitations"]["rows"]) == 1
    purposes = {row["purpose"]: row["withdrawn_at"] for row in sections["consents"]["rows"]}
    assert len(purposes) == 2 and sum(1 for value in purposes.values() if value) == 1  # surveys withdrawn
    assert sections["sensitive_access"]["rows"][0]["user"] == "سارة الموظفة"
    text = json.dumps(data, ensure_ascii=False)
    assert neighbour.national_id not in text and "الجار" not in text
    json.dumps(data)  # plain JSON: no dates or lazy strings left


def test_the_command_writes_json_and_a_pdf_and_both_are_logged(tmp_path):
    person = person_with_everything()
    out = tmp_path / "nora.json"
    call_command("subject_export", str(person.public_id), "-o", str(out))
    data = json.loads(out.read_text())
    assert data["subject"]["public_id"] == str(person.public_id)
    pdf = tmp_path / "nora.pdf"
    call_command("subject_export", str(person.public_id), "-o", str(pdf))
    assert pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        assert "نورة" in text and "ربو مزمن" in text and person.national_id in text
    logged = BulkTransfer.objects.filter(kind="subject", beneficiary=person, user=None)
    assert sorted(logged.values_list("file_format", flat=True)) == ["json", "pdf"]


def test_a_bad_id_is_a_command_error(tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("subject_export", "not-a-uuid", "-o", str(tmp_path / "x.json"))


def test_staff_export_from_the_screen_is_logged_and_reviewable(client_for, officer, manager):
    person = person_with_everything()
    url = reverse("beneficiaries:subject_export", args=[person.public_id])
    response = client_for(officer).post(url, {"file_format": "json"})
    assert (
        response.status_code == 200
        and response["Cache-Control"].startswith("no-store")
        or "no-store" in response["Cache-Control"]
    )
    assert json.loads(response.content)["subject"]["name"] == person.full_name
    assert BulkTransfer.objects.filter(kind="subject", beneficiary=person, user=officer).count() == 1
    assert client_for(officer).post(url, {"file_format": "exe"}).status_code == 400
    review = client_for(manager).get(reverse("beneficiaries:export_log"), {"kind": "subject"})
    assert review.status_code == 200
    assert [t.beneficiary for t in review.context["page"].object_list] == [person]


def test_the_researcher_may_not_export(client_for, researcher):
    person = person_with_everything()
    url = reverse("beneficiaries:subject_export", args=[person.public_id])
    assert client_for(researcher).post(url, {"file_format": "json"}).status_code == 403
    assert not BulkTransfer.objects.filter(kind="subject").exists()


def test_the_export_review_filters_and_costs_the_same_queries_whatever_its_rows(client_for, manager, make_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import BeneficiaryFactory

    def exports(n):
        for _ in range(n):
            BulkTransfer.objects.create(
                kind="subject", user=make_user("manager"), beneficiary=BeneficiaryFactory(), file_format="pdf", rows=9
            )

    client = client_for(manager)
    url = reverse("beneficiaries:export_log")
    exports(2)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    exports(20)
    with CaptureQueriesContext(connection) as many:
        assert len(client.get(url).context["page"].object_list) == 22
    assert len(many) == len(few)
    bad = client.get(url, {"start": "2026-12-01", "end": "2026-01-01", "kind": "x", "user": "abc"})
    assert bad.status_code == 200 and bad.context["form"].errors
    # Its own export is an Excel file and is itself recorded.
    response = client.post(reverse("beneficiaries:export_log_export"), {"kind": "subject"})
    assert response.status_code == 200 and response.content[:2] == b"PK"
    assert BulkTransfer.objects.filter(kind="access_log", user=manager, file_name="exports-log.xlsx").count() == 1
