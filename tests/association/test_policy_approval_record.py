"""The board-approval record fitted to Saudi practice (issue 13, item 2): decision number without meeting number,
free-form decision numbers, session and quarter as text, optional signatory, dates kept as written with their
warnings, the signed page's scan, the review reminder sent once, and staff confirming they read the version in
force while the manager sees who has not."""

import datetime as dt
import io
import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from pypdf import PdfReader

from association.kernel.roles import Role
from association.models import AssociationProfile, BankAccount
from association.policy import selectors, services
from association.policy.documents import policy_pdf
from association.policy.models import PolicyReadConfirmation, PolicyVersion
from association.tasks import policy_review_reminders_sweep

from .factories import ApprovedPolicyVersionFactory, PolicyVersionFactory

pytestmark = pytest.mark.django_db
PDF_BYTES = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def arabic():
    with translation.override("ar"):
        yield


def _approve(version, actor, **data):
    return services.policy_approve(version=version, actor=actor, approval_date=dt.date(2024, 5, 28), **data)


# --- the record's shapes ----------------------------------------------------------------------------------


@pytest.mark.parametrize("number", ["م/3-23", "17", "ق 5/1445", "3/12"])
def test_a_free_form_decision_number_stands_without_a_meeting_number(manager, number):
    version = _approve(PolicyVersionFactory(), manager, decision_number=number)
    version.refresh_from_db()
    assert (version.status, version.decision_number, version.board_meeting) == ("approved", number, None)
    assert (version.signatory_name, version.signatory_title) == ("", "")  # the signatory is optional


def test_neither_meeting_nor_decision_number_is_refused(manager):
    draft = PolicyVersionFactory()
    with pytest.raises(ValidationError) as error:
        _approve(draft, manager, decision_number="  ")
    assert "board_meeting" in error.value.message_dict
    draft.refresh_from_db()
    assert draft.status == PolicyVersion.Status.DRAFT


def test_session_quarter_title_and_dates_as_written_are_kept(manager):
    version = _approve(
        PolicyVersionFactory(),
        manager,
        board_meeting=4,
        board_session="الثانية",
        quarter="الربع الثاني",
        approval_date_hijri_text="الثلاثاء ٢٠/١١/١٤٤٥هـ",
        approval_date_gregorian_text="28/05/2024م",
        signatory_title="نائب رئيس مجلس الإدارة",
        review_due=dt.date(2025, 5, 28),
    )
    version.refresh_from_db()
    assert (version.board_session, version.quarter) == ("الثانية", "الربع الثاني")
    assert version.approval_date_hijri_text == "الثلاثاء ٢٠/١١/١٤٤٥هـ"
    assert version.review_due == dt.date(2025, 5, 28)
    assert services.approval_record_warnings(version) == []


def test_a_review_date_before_the_approval_is_refused(manager):
    with pytest.raises(ValidationError) as error:
        _approve(PolicyVersionFactory(), manager, decision_number="17", review_due=dt.date(2024, 1, 1))
    assert "review_due" in error.value.message_dict


def test_the_record_warns_about_weekday_calendars_and_another_policy(manager):
    sections = [
        ("channels", "القنوات", ["المقابلة"]),
        ("approval", "اعتماد مجلس الإدارة", []),
    ]
    draft = PolicyVersionFactory(sections=sections)
    draft.sections.filter(kind="approval").update(
        paragraphs=["تم اعتماد سياسة الشكاوى والمقترحات في اجتماع مجلس الإدارة الأول"]
    )
    version = _approve(
        draft,
        manager,
        decision_number="17",
        approval_date_hijri_text="الأحد ٢٠/١١/١٤٤٥هـ",
        approval_date_gregorian_text="2024/06/28م",
    )
    warnings = services.approval_record_warnings(version)
    assert any("يوم «الأحد»" in w and "الثلاثاء" in w for w in warnings)
    assert any("لا يوافقان اليوم نفسه" in w for w in warnings)
    assert any("سياسة أخرى" in w for w in warnings)


def test_the_approval_form_takes_the_date_from_the_dates_as_written(client_for, manager):
    draft = PolicyVersionFactory()
    response = client_for(manager).post(
        reverse("policy:approve", args=[draft.pk]),
        {"decision_number": "م/3-23", "board_session": "الثانية", "approval_date_hijri_text": "1445/11/20هـ"},
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.status, draft.approval_date, draft.board_session) == ("approved", dt.date(2024, 5, 28), "الثانية")


def test_the_approval_form_keeps_the_data_and_says_what_is_missing(client_for, manager):
    draft = PolicyVersionFactory()
    response = client_for(manager).post(reverse("policy:approve", args=[draft.pk]), {"quarter": "الربع الثالث"})
    assert response.status_code == 200
    form = response.context["form"]
    assert "approval_date" in form.errors and "board_meeting" in form.errors
    assert 'value="الربع الثالث"' in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == PolicyVersion.Status.DRAFT


# --- the signed page's scan --------------------------------------------------------------------------------


def test_a_scan_is_checked_by_content_stored_and_served_to_staff_only(client, client_for, manager, officer):
    draft = PolicyVersionFactory()
    fake = SimpleUploadedFile("scan.pdf", b"not a pdf at all", content_type="application/pdf")
    response = client_for(manager).post(
        reverse("policy:approve", args=[draft.pk]),
        {"decision_number": "17", "approval_date": "2024-05-28", "approval_scan": fake},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["approval_scan"]
    draft.refresh_from_db()
    assert draft.status == PolicyVersion.Status.DRAFT and not draft.approval_scan

    scan = SimpleUploadedFile("photo.png", PDF_BYTES, content_type="image/png")  # a PDF, whatever its name says
    response = client_for(manager).post(
        reverse("policy:approve", args=[draft.pk]),
        {"decision_number": "17", "approval_date": "2024-05-28", "approval_scan": scan},
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    # Named by its content's kind (a PDF), not by the uploaded name.
    assert re.search(rf"/approval-{draft.number}(_\w+)?\.pdf$", draft.approval_scan.name)
    served = client_for(officer).get(reverse("policy:scan", args=[draft.pk]))
    assert served.status_code == 200 and served["Content-Type"] == "application/pdf"
    assert b"".join(served.streaming_content).startswith(b"%PDF")
    client.logout()
    assert client.get(reverse("policy:scan", args=[draft.pk])).status_code == 302  # to the login page


# --- the review reminder («مراجعتها باستمرار») -------------------------------------------------------------


def test_the_review_reminder_is_sent_once(manager, make_user, django_capture_on_commit_callbacks):
    manager.email = "manager@example.org"
    manager.save()
    make_user(Role.RELATIONS_OFFICER, email="officer@example.org")
    today = timezone.localdate()
    due = ApprovedPolicyVersionFactory(review_due=today - dt.timedelta(days=1))
    ApprovedPolicyVersionFactory(status=PolicyVersion.Status.SUPERSEDED, review_due=today - dt.timedelta(days=30))
    ApprovedPolicyVersionFactory(review_due=today + dt.timedelta(days=30))  # not yet due
    with django_capture_on_commit_callbacks(execute=True):
        assert policy_review_reminders_sweep() == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["manager@example.org"]
    assert f"/policy/manage/{due.pk}/" in mail.outbox[0].body
    assert "مراجعة" in mail.outbox[0].subject
    with django_capture_on_commit_callbacks(execute=True):
        assert policy_review_reminders_sweep() == 0  # the second sweep sends nothing
    assert len(mail.outbox) == 1
    due.refresh_from_db()
    assert due.review_reminded_at is not None


def test_the_sweep_is_on_the_beat_schedule(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["association.policy_review_reminders_sweep"]
    assert entry["task"] == "association.tasks.policy_review_reminders_sweep"


# --- staff confirm reading the version in force («تعميمها») ------------------------------------------------


@pytest.mark.parametrize("role", [role.value for role in Role])
def test_every_staff_role_confirms_reading_the_version_in_force(client_for, make_user, role):
    version = ApprovedPolicyVersionFactory()
    user = make_user(role)
    page = client_for(user).get(reverse("policy:detail", args=[version.pk]))
    assert "اطلعتُ على هذه السياسة" in page.content.decode()
    response = client_for(user).post(reverse("policy:confirm_read", args=[version.pk]))
    assert response.status_code == 302
    client_for(user).post(reverse("policy:confirm_read", args=[version.pk]))  # twice is once
    assert PolicyReadConfirmation.objects.filter(version=version, user=user).count() == 1
    page = client_for(user).get(reverse("policy:detail", args=[version.pk]))
    assert "أكدتَ اطلاعك على هذا الإصدار" in page.content.decode()


def test_a_version_not_in_force_cannot_be_confirmed(officer):
    ApprovedPolicyVersionFactory()
    draft = PolicyVersionFactory()
    with pytest.raises(ValidationError):
        services.policy_confirm_read(version=draft, actor=officer)
    assert not PolicyReadConfirmation.objects.exists()


def test_the_public_page_offers_staff_the_confirmation(client_for, officer):
    version = ApprovedPolicyVersionFactory()
    response = client_for(officer).post(reverse("policy:confirm_read", args=[version.pk]), {"next": "public"})
    assert response.url == reverse("policy:public")
    assert PolicyReadConfirmation.objects.filter(version=version, user=officer).exists()


def _staff(make_user, n, start=0):
    roles = [Role.RELATIONS_OFFICER, Role.SOCIAL_RESEARCHER, Role.COMMITTEE_MEMBER]
    return [make_user(roles[i % 3], first_name=f"موظف {start + i}") for i in range(n)]


def test_the_manager_sees_who_has_not_confirmed_in_constant_queries(client_for, manager, make_user, outsider):
    version = ApprovedPolicyVersionFactory()
    confirmed = _staff(make_user, 2)
    for user in confirmed:
        services.policy_confirm_read(version=version, actor=user)
    _staff(make_user, 3, start=10)
    url = reverse("policy:unconfirmed", args=[version.pk])
    client = client_for(manager)
    client.get(url)  # warm: the cached reads (kernel.memo) a change of rows retires
    with CaptureQueriesContext(connection) as few:
        response = client.get(url)
    names = {u.pk for u in response.context["page"].object_list}
    assert names.isdisjoint({u.pk for u in confirmed})
    assert outsider.pk not in names  # no role: not staff
    assert manager.pk in names  # the manager has not confirmed either
    assert (response.context["confirmed"], response.context["staff_total"]) == (2, 6)
    _staff(make_user, 30, start=100)
    client.get(url)  # warm: the cached reads (kernel.memo) a change of rows retires
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(response.context["page"].object_list) > 6
    assert len(many) == len(few)
    detail = client.get(reverse("policy:detail", args=[version.pk])).content.decode()
    assert "أكد الاطلاع 2 من أصل 36 موظفًا" in detail


def test_only_the_manager_sees_the_list(client_for, officer):
    version = ApprovedPolicyVersionFactory()
    assert client_for(officer).get(reverse("policy:unconfirmed", args=[version.pk])).status_code == 403


def test_selectors_count_staff_with_a_role_only(make_user, outsider):
    version = ApprovedPolicyVersionFactory()
    users = _staff(make_user, 2)
    services.policy_confirm_read(version=version, actor=users[0])
    assert selectors.confirmation_counts(version) == (1, 2)
    assert list(selectors.unconfirmed_staff(version)) == [users[1]]


# --- the PDF and the pages show the new fields --------------------------------------------------------------


def test_the_policy_pdf_and_page_show_the_new_fields(client_for, officer):
    version = ApprovedPolicyVersionFactory(
        board_meeting=None,
        board_session="الثانية",
        decision_number="م/3-23",
        quarter="الربع الثاني",
        approval_date=dt.date(2024, 5, 28),
        approval_date_hijri_text="٢٠/١١/١٤٤٥هـ",
        approval_date_gregorian_text="٢٨/٠٥/٢٠٢٤م",
        signatory_name="",
        signatory_title="",
        review_due=dt.date(2025, 5, 28),
    )
    data, _name = policy_pdf(version.pk)
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    assert "الربع الثاني" in text
    assert "الثانية" in text
    # The dates as written (Arabic-Indic digits; the text layer may give a digit run backwards).
    assert ("١٤٤٥" in text or "٥٤٤١" in text) and ("٢٠٢٤" in text or "٤٢٠٢" in text)
    page = client_for(officer).get(reverse("policy:detail", args=[version.pk])).content.decode()
    assert "م/3-23" in page and "الربع الثاني" in page and "٢٨/٠٥/٢٠٢٤م" in page


# --- the import preview: warnings with their lines, the letterhead proposal ----------------------------------

LETTERHEAD_POLICY = """جمعية الأمل لرعاية المسنين بعرعر
رقم الترخيص: 3371
هاتف: 0146621234
SA0380000000608010167519

سياسة تنظيم العلاقة مع المستفيدين
القنوات:
1. المقابلة
3. الهاتف
"""


def test_the_preview_shows_every_warning_with_its_line_and_a_letterhead_proposal(client_for, manager):
    AssociationProfile(name="جمعية النور", city="الرياض").save()
    client = client_for(manager)
    upload = SimpleUploadedFile("policy.txt", LETTERHEAD_POLICY.encode(), content_type="text/plain")
    response = client.post(reverse("policy:import"), {"step": "upload", "file": upload})
    assert response.status_code == 200
    body = response.content.decode()
    warnings = response.context["warnings"]
    assert len(warnings) >= 3  # the name, the numbering gap, no approval section
    for warning in warnings:
        assert warning.message in body.replace("&quot;", '"').replace("&#x27;", "'")
        if warning.line:
            assert f"السطر {warning.line}" in body
    assert "يقفز الترقيم من 1 إلى 3" in body
    assert "جمعية الأمل لرعاية المسنين بعرعر" in body and "جمعية النور" in body
    proposal = response.context["proposal"]
    assert ("city", "المدينة", "الرياض", "عرعر") in [tuple(map(str, f)) for f in proposal["fields"]]
    # Nothing written until the manager accepts.
    profile = AssociationProfile.objects.get()
    assert (profile.city, profile.license_number) == ("الرياض", "")
    assert not BankAccount.objects.exists()

    accepted = client.post(
        reverse("policy:accept_letterhead"),
        {"city": "عرعر", "license_number": "3371", "phone": "0146621234", "ibans": ["SA0380000000608010167519"]},
    )
    assert accepted.status_code == 302
    profile.refresh_from_db()
    assert (profile.city, profile.license_number, profile.phone) == ("عرعر", "3371", "0146621234")
    assert profile.name == "جمعية النور"  # the name is only flagged, never overwritten
    assert list(BankAccount.objects.values_list("iban", flat=True)) == ["SA0380000000608010167519"]
    # Accepting again changes nothing more.
    client.post(reverse("policy:accept_letterhead"), {"city": "عرعر", "ibans": ["SA0380000000608010167519"]})
    assert BankAccount.objects.count() == 1


def test_a_bad_iban_in_the_proposal_is_refused_and_nothing_is_half_saved(client_for, manager):
    AssociationProfile(name="جمعية النور", city="الرياض").save()
    response = client_for(manager).post(
        reverse("policy:accept_letterhead"), {"city": "عرعر", "ibans": ["SA0000000000000000000000"]}
    )
    assert response.status_code == 302
    assert AssociationProfile.objects.get().city == "الرياض"
    assert not BankAccount.objects.exists()


def test_only_the_manager_accepts_the_proposal(client_for, officer):
    AssociationProfile(name="جمعية النور", city="الرياض").save()
    response = client_for(officer).post(reverse("policy:accept_letterhead"), {"city": "عرعر"})
    assert response.status_code == 403
    assert AssociationProfile.objects.get().city == "الرياض"
