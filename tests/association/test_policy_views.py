"""Policy screens: the public page, the staff list, editing, approval and import with a preview."""

import datetime as dt
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from association.channels import Channel
from association.policy.models import PolicyVersion

from .factories import ApprovedPolicyVersionFactory, PolicyVersionFactory

pytestmark = pytest.mark.django_db
DEMO = Path(settings.BASE_DIR) / "association" / "fixtures" / "demo_policy.txt"


def _client(client, user):
    client.force_login(user)
    return client


def test_public_page_shows_the_version_in_force_and_lists_older_ones(client):
    old = ApprovedPolicyVersionFactory(
        status=PolicyVersion.Status.SUPERSEDED, approved_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    )
    current = ApprovedPolicyVersionFactory(title="سياسة العلاقة المعتمدة", decision_number="9/4")
    PolicyVersionFactory(title="مسودة لم تعتمد")

    response = client.get(reverse("policy:public"))

    assert response.status_code == 200
    body = response.content.decode()
    assert "سياسة العلاقة المعتمدة" in body
    assert "9/4" in body
    assert "مسودة لم تعتمد" not in body
    assert reverse("policy:public_pdf", args=[current.pk]) in body
    assert reverse("policy:public_pdf", args=[old.pk]) in body


def test_public_page_without_an_approved_policy_says_so(client):
    PolicyVersionFactory()
    response = client.get(reverse("policy:public"))
    assert response.status_code == 200
    assert response.context["version"] is None


def test_public_pdf_serves_approved_versions_only(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    approved = ApprovedPolicyVersionFactory()
    draft = PolicyVersionFactory()
    response = client.get(reverse("policy:public_pdf", args=[approved.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")  # the stored file
    assert client.get(reverse("policy:public_pdf", args=[draft.pk])).status_code == 404


def test_version_list_query_count_does_not_grow_with_rows(client, manager):
    _client(client, manager)
    for _ in range(5):
        ApprovedPolicyVersionFactory(status=PolicyVersion.Status.SUPERSEDED, approved_by=manager)
    client.get(reverse("policy:list"))  # warm: the cached reads (kernel.memo) a change of rows retires
    with CaptureQueriesContext(connection) as five:
        assert client.get(reverse("policy:list")).status_code == 200
    for _ in range(45):
        ApprovedPolicyVersionFactory(status=PolicyVersion.Status.SUPERSEDED, approved_by=manager)
    client.get(reverse("policy:list"))  # warm: the cached reads (kernel.memo) a change of rows retires
    with CaptureQueriesContext(connection) as fifty:
        response = client.get(reverse("policy:list"))
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 25
    assert len(fifty.captured_queries) == len(five.captured_queries)


def test_detail_shows_tools_channels_and_actions_for_the_manager(client, manager, officer):
    version = PolicyVersionFactory()
    body = _client(client, manager).get(reverse("policy:detail", args=[version.pk])).content.decode()
    assert "نماذج الاستقبال" in body
    assert reverse("policy:approve", args=[version.pk]) in body
    client.logout()
    body = _client(client, officer).get(reverse("policy:detail", args=[version.pk])).content.decode()
    assert "نماذج الاستقبال" in body
    assert reverse("policy:approve", args=[version.pk]) not in body


def test_detail_shows_where_each_tool_lives(client, manager):
    from association.policy.models import PolicyToolLink
    from beneficiaries.models import DocumentType

    doc_type = DocumentType.objects.create(code="reception", name="استمارة الاستقبال")
    version = PolicyVersionFactory(tools=["نماذج الاستقبال", "سجل الشكاوى", "دليل الخدمات"])
    PolicyToolLink.objects.create(name="نماذج الإستقبال", target_kind="document_type", target_ref=str(doc_type.pk))
    PolicyToolLink.objects.create(name="سجل الشكاوى", url="/cases/")
    body = _client(client, manager).get(reverse("policy:detail", args=[version.pk])).content.decode()
    assert 'نماذج الاستقبال — <span class="text-secondary">نوع المستند: استمارة الاستقبال</span>' in body
    assert '<a href="/cases/">سجل الشكاوى</a>' in body
    assert "<li>دليل الخدمات</li>" in body


def _editor_post(version=None, **overrides):
    data = {
        "title": "سياسة معدلة",
        "association_name": "",
        "channels": ["interview", "website"],
        "tools": "أداة أولى\nأداة ثانية",
        "individual_requests": "on",
        "individual_decider": "committee",
        "individual_decider_name": "",
        "decision_window_days": "٢١",
        "quorum": "",
        "programs_decider": "manager",
        "programs_decider_name": "",
        "supervising_body": "",
        "board_meeting": "",
        "board_session": "",
        "decision_number": "",
        "approval_date": "",
        "signatory_name": "",
        "signatory_title": "",
        "sections-TOTAL_FORMS": "2",
        "sections-INITIAL_FORMS": "0",
        "sections-MIN_NUM_FORMS": "0",
        "sections-MAX_NUM_FORMS": "1000",
        "sections-0-kind": "preamble",
        "sections-0-heading": "تمهيد",
        "sections-0-paragraphs": "نص التمهيد",
        "sections-0-items": "",
        "sections-1-kind": "channels",
        "sections-1-heading": "القنوات",
        "sections-1-paragraphs": "",
        "sections-1-items": "المقابلة\nالموقع",
    }
    data.update(overrides)
    return data


def test_manager_edits_a_draft(client, manager):
    draft = PolicyVersionFactory()
    response = _client(client, manager).post(reverse("policy:edit", args=[draft.pk]), _editor_post())
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.title == "سياسة معدلة"
    assert draft.decision_window_days == 21
    assert draft.tools == ["أداة أولى", "أداة ثانية"]
    assert [s.items for s in draft.sections.all()] == [[], ["المقابلة", "الموقع"]]


def test_bad_editor_input_keeps_the_typed_data_and_saves_nothing(client, manager):
    draft = PolicyVersionFactory()
    data = _editor_post(**{"sections-1-heading": "", "decision_window_days": "أسبوع"})
    response = _client(client, manager).post(reverse("policy:edit", args=[draft.pk]), data)
    assert response.status_code == 200
    assert response.context["form"].errors["decision_window_days"]
    assert response.context["formset"].forms[1].errors["heading"]
    assert "سياسة معدلة" in response.content.decode()
    draft.refresh_from_db()
    assert draft.title != "سياسة معدلة"


def test_an_approved_version_is_not_editable_but_gives_a_new_draft(client, manager):
    approved = ApprovedPolicyVersionFactory()
    _client(client, manager)
    response = client.post(reverse("policy:edit", args=[approved.pk]), _editor_post())
    assert response.status_code == 302
    approved.refresh_from_db()
    assert approved.title != "سياسة معدلة"
    assert client.get(reverse("policy:new_draft", args=[approved.pk])).status_code == 405
    response = client.post(reverse("policy:new_draft", args=[approved.pk]))
    draft = PolicyVersion.objects.get(based_on=approved)
    assert response.url == reverse("policy:edit", args=[draft.pk])


def test_manager_approves_through_the_form_with_a_hijri_date(client, manager):
    draft = PolicyVersionFactory(channels=["interview", "phone"])
    response = _client(client, manager).post(
        reverse("policy:approve", args=[draft.pk]),
        {
            "board_meeting": "٢",
            "board_session": "1",
            "decision_number": "12/3",
            "approval_date": "1445-02-10 هـ",
            "signatory_name": "أ. سعد",
            "signatory_title": "رئيس مجلس الإدارة",
        },
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == PolicyVersion.Status.APPROVED
    assert draft.approval_date == dt.date(2023, 8, 26)
    assert draft.board_meeting == 2
    assert set(Channel.objects.filter(is_active=True).values_list("code", flat=True)) == {"interview", "phone"}
    public = client.get(reverse("policy:public")).content.decode()
    assert "12/3" in public and "1445-02-10" in public


def test_approval_form_errors_stay_next_to_the_fields(client, manager):
    draft = PolicyVersionFactory()
    response = _client(client, manager).post(
        reverse("policy:approve", args=[draft.pk]),
        {"board_meeting": "", "approval_date": "2999-01-01", "signatory_name": "أ. سعد", "signatory_title": "رئيس"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["board_meeting"]
    response = client.post(
        reverse("policy:approve", args=[draft.pk]),
        {"board_meeting": "2", "approval_date": "2999-01-01", "signatory_name": "أ. سعد", "signatory_title": "رئيس"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["approval_date"]
    draft.refresh_from_db()
    assert draft.status == PolicyVersion.Status.DRAFT


def test_chair_cannot_approve(client, chair):
    draft = PolicyVersionFactory()
    response = _client(client, chair).post(reverse("policy:approve", args=[draft.pk]), {"board_meeting": "2"})
    assert response.status_code == 403
    draft.refresh_from_db()
    assert draft.status == PolicyVersion.Status.DRAFT


def test_import_shows_a_preview_then_saves_the_corrected_draft(client, manager):
    _client(client, manager)
    upload = SimpleUploadedFile("demo_policy.txt", DEMO.read_bytes(), content_type="text/plain")
    response = client.post(reverse("policy:import"), {"step": "upload", "file": upload})
    assert response.status_code == 200
    form, formset = response.context["form"], response.context["formset"]
    assert form.initial["decision_window_days"] == 14
    assert form.initial["board_meeting"] == 3
    assert [f.initial["kind"] for f in formset.forms if f.initial][:2] == ["preamble", "general_goal"]
    assert not PolicyVersion.objects.exists()

    # The manager corrects the window in the preview and saves.
    data = _editor_post(title="سياسة مستوردة", decision_window_days="15", step="save", source_name="demo_policy.txt")
    response = client.post(reverse("policy:import"), data)
    version = PolicyVersion.objects.get()
    assert response.url == reverse("policy:detail", args=[version.pk])
    assert (version.title, version.decision_window_days, version.source_name) == (
        "سياسة مستوردة",
        15,
        "demo_policy.txt",
    )


def test_import_refuses_other_file_types_with_a_field_error(client, manager):
    _client(client, manager)
    upload = SimpleUploadedFile("policy.png", b"\x89PNG", content_type="image/png")
    response = client.post(reverse("policy:import"), {"step": "upload", "file": upload})
    assert response.status_code == 200
    assert response.context["upload_form"].errors["file"]
    broken = SimpleUploadedFile("policy.docx", io.BytesIO(b"PK broken").getvalue())
    response = client.post(reverse("policy:import"), {"step": "upload", "file": broken})
    assert response.context["upload_form"].errors["file"]
    assert not PolicyVersion.objects.exists()


def test_the_procedure_is_edited_on_the_draft_and_shown_on_its_page(client, manager):
    draft = PolicyVersionFactory()
    data = _editor_post(
        individual_decider="competent_body",
        individual_decider_name="إدارة الخدمات الاجتماعية",
        decision_window_days="",
        volunteer_proposals="on",
        supervising_body="وزارة الموارد البشرية والتنمية الاجتماعية",
    )
    response = _client(client, manager).post(reverse("policy:edit", args=[draft.pk]), data)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.individual_decider, draft.individual_decider_name, draft.decision_window_days) == (
        "competent_body",
        "إدارة الخدمات الاجتماعية",
        None,
    )
    assert (draft.individual_requests, draft.program_requests, draft.volunteer_proposals) == (True, False, True)
    body = client.get(reverse("policy:detail", args=[draft.pk])).content.decode()
    assert "إدارة الخدمات الاجتماعية" in body and "جهة الاختصاص" in body
    assert "لا توجد مهلة" in body or "بلا مهلة" in body or "لا مهلة" in body
    assert "وزارة الموارد البشرية والتنمية الاجتماعية" in body


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"individual_decider": "manager", "quorum": "3"}, "quorum", "لا يُحدَّد النصاب"),
        ({"individual_requests": ""}, "individual_requests", "اختر إجراءً واحدًا على الأقل"),
        ({"individual_decider": "board"}, "individual_decider", ""),
        ({"quorum": "٠"}, "quorum", ""),
    ],
)
def test_bad_procedure_input_is_refused_next_to_the_field_in_arabic(client, manager, overrides, field, message):
    draft = PolicyVersionFactory(decision_window_days=14)
    data = {k: v for k, v in _editor_post(**overrides).items() if v != "" or k not in overrides}
    response = _client(client, manager).post(reverse("policy:edit", args=[draft.pk]), data)
    assert response.status_code == 200
    errors = response.context["form"].errors[field]
    assert message in " ".join(errors)
    assert all(any("\u0600" <= ch <= "\u06ff" for ch in error) for error in errors)
    draft.refresh_from_db()
    assert (draft.title, draft.decision_window_days) != ("سياسة معدلة", 21)


def test_an_approved_version_keeps_its_procedure(client, manager):
    approved = ApprovedPolicyVersionFactory(individual_decider="committee", decision_window_days=14)
    response = _client(client, manager).post(
        reverse("policy:edit", args=[approved.pk]), _editor_post(individual_decider="manager", decision_window_days="")
    )
    assert response.status_code == 302
    approved.refresh_from_db()
    assert (approved.individual_decider, approved.decision_window_days) == ("committee", 14)


def test_import_preview_proposes_the_procedure_the_document_states(client, manager):
    fixture = Path(__file__).resolve().parent / "fixtures" / "policy_no_committee.txt"
    upload = SimpleUploadedFile(fixture.name, fixture.read_bytes(), content_type="text/plain")
    response = _client(client, manager).post(reverse("policy:import"), {"step": "upload", "file": upload})
    form = response.context["form"]
    assert form.initial["individual_decider"] == "manager"
    assert form.initial["decision_window_days"] is None
    assert form.initial["volunteer_proposals"] is True
    body = response.content.decode()
    assert 'id="procedure"' in body
