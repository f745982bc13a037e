"""In a browser: a volunteer applies and is approved, proposes a program; it is studied, approved by the manager
(the policy's deciding body), permitted, scheduled and run; an attendee checks in with their QR link; the
session is held (the survey invitation follows), hours are recorded, and the final report goes to the board."""

import datetime as dt
import io
import os

import pytest
from django.utils import timezone
from pypdf import PdfReader

from association.kernel.roles import Role
from programs import services
from programs.models import Attendance, PermitRequirement, Program, ProgramKind, Volunteer
from surveys.models import Invitation, Trigger
from tests.browser import chromium_page, csp_guard, login
from tests.factories import UserFactory
from tests.surveys.factories import consenting_beneficiary, enable_trigger, make_survey

PASSWORD = "Journey-2026!"


def _user(username, role):
    user = UserFactory(username=username, role=role, email=f"{username}@example.org")
    user.set_password(PASSWORD)
    user.save()
    return user


def _step(page, status):
    page.click(f"button[data-step={status}]")
    page.wait_for_load_state()
    assert page.locator("#program-status").count() == 1


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_volunteer_proposal_from_intake_to_its_report(live_server, artifacts_dir):
    _user("lama", Role.PROGRAMS_COORDINATOR)
    _user("reem", Role.MANAGER)
    kind = ProgramKind.objects.create(code="lecture", name_ar="محاضرة", name_en="Lecture")
    PermitRequirement.objects.create(kind=kind, name="تصريح محاضرة", authority="فرع وزارة الشؤون الإسلامية")
    enable_trigger(Trigger.SESSION_HELD, make_survey(), delay_days=0)
    attendee = consenting_beneficiary(family_name="الشمري")
    today = timezone.localdate()
    url = live_server.url

    with chromium_page() as page, csp_guard(page):
        login(page, url, "lama", PASSWORD)
        # The volunteering channel: the application.
        page.goto(f"{url}/volunteers/new/")
        page.fill("#id_full_name", "عبدالعزيز فهد الحربي")
        page.fill("#id_national_id", "1000000008")
        page.fill("#id_mobile", "0550000101")
        page.fill("#id_skills", "تقديم المحاضرات")
        page.select_option("#id_availability", "evenings")
        page.click("main button[type=submit]")
        page.wait_for_load_state()
        volunteer = Volunteer.objects.get()
        assert volunteer.channel.code == "volunteering" and volunteer.mobile == "+966550000101"
        page.click("form[action$='/step/'] button:has-text('')")  # the first step offered: approve
        page.wait_for_load_state()
        volunteer.refresh_from_db()
        assert volunteer.status == Volunteer.Status.APPROVED

        # The volunteer's proposal.
        page.goto(f"{url}/programs/new/")
        page.fill("#id_title", "محاضرة حقوق الجار")
        page.select_option("#id_kind", str(kind.pk))
        page.select_option("#id_requester", "volunteer")
        page.select_option("#id_volunteer", str(volunteer.pk))
        page.fill("#id_audience", "أهالي الحي")
        page.fill("#id_place", "جامع الحي")
        page.fill("#id_start_date", today.isoformat())
        page.fill("#id_end_date", (today + dt.timedelta(days=20)).isoformat())
        page.fill("#id_expected_attendance", "40")
        page.click("main button[type=submit]")
        page.wait_for_load_state()
        program = Program.objects.get()
        assert page.locator("#program-status").inner_text().strip() == program.get_status_display()
        _step(page, "under_study")

        # The manager decides (the policy's deciding body by default).
        page.context.clear_cookies()
        login(page, url, "reem", PASSWORD)
        page.goto(f"{url}{program.get_absolute_url()}")
        page.click("#decide")
        page.check("input[name=outcome][value=approve]")
        page.fill("#id_note", "يتوافق مع خطة التوعية")
        page.click("#decide-submit")
        page.wait_for_load_state()
        program.refresh_from_db()
        assert program.status == Program.Status.APPROVED

        # The coordinator obtains the permit, plans, assigns, runs.
        page.context.clear_cookies()
        login(page, url, "lama", PASSWORD)
        page.goto(f"{url}{program.get_absolute_url()}")
        _step(page, "awaiting_permits")
        page.click("#add-permit")
        page.select_option("#id_requirement", index=1)
        page.fill("#id_requested_on", (today - dt.timedelta(days=2)).isoformat())
        page.fill("#id_number", "4471")
        page.fill("#id_issued_on", today.isoformat())
        page.fill("#id_expires_on", (today + dt.timedelta(days=60)).isoformat())
        page.click("main button[type=submit]")
        page.wait_for_load_state()
        _step(page, "permitted")
        page.click("#add-session")
        page.fill("#id_title", "اللقاء الأول")
        page.fill("#id_starts_at", timezone.localtime().strftime("%Y-%m-%dT%H:%M"))
        page.fill("#id_place", "جامع الحي")
        page.fill("#id_facilitator", "الشيخ سعد")
        page.click("main button[type=submit]")
        page.wait_for_load_state()
        session_url = page.url
        page.goto(f"{url}{program.get_absolute_url()}")
        page.select_option("#volunteers select[name=volunteer]", str(volunteer.pk))
        page.fill("#volunteers input[name=task]", "تقديم المحاضرة")
        page.click("#volunteers button[type=submit]")
        page.wait_for_load_state()
        _step(page, "scheduled")
        _step(page, "running")

        # The attendee's QR link, opened on their phone, records them once.
        page.goto(session_url)
        page.fill("#id_national_id", attendee.national_id)
        page.click("#add-attendee")
        page.wait_for_load_state()
        attendance = Attendance.objects.get()
        phone_context = page.context.browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
        phone = phone_context.new_page()  # the attendee's phone: no staff session
        link = services.attendance_url(attendance)
        phone.goto(url + link[link.index("/attend/") :])
        phone.click("#attend-confirm")
        phone.wait_for_load_state()
        assert attendance.name in phone.locator("#attend-result").inner_text()
        phone.screenshot(path=os.path.join(artifacts_dir, "programs-attend-phone.png"))
        phone.goto(url + link[link.index("/attend/") :])
        assert phone.locator("#attend-result").count() == 1  # used: no button any more
        assert phone.locator("#attend-confirm").count() == 0
        phone_context.close()
        attendance.refresh_from_db()
        assert attendance.method == Attendance.Method.QR

        page.goto(session_url)
        page.click("#session-held")
        page.wait_for_load_state()
        assert Invitation.objects.filter(beneficiary=attendee, subject_key=program.subject_key).count() == 1
        page.select_option("#hours select[name=volunteer]", str(volunteer.pk))
        page.fill("#hours input[name=hours]", "3")
        page.click("#record-hours")
        page.wait_for_load_state()

        page.goto(f"{url}{program.get_absolute_url()}")
        _step(page, "completed")
        assert page.locator("#fig-attendance").inner_text().strip() == "1"
        page.click("#new-report")
        page.fill("#id_addressed_to", "مجلس إدارة الجمعية")
        page.click("#issue-report")
        page.wait_for_load_state()
        assert page.locator("#rep-hours").inner_text().strip() == "3.0"
        page.screenshot(path=os.path.join(artifacts_dir, "programs-report.png"), full_page=True)
        pdf = page.request.get(page.locator("#report-pdf").get_attribute("href").join([url, ""]))
        text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.body())).pages)
        assert "محاضرة حقوق الجار" in text and program.reference in text

    program.refresh_from_db()
    assert program.status == Program.Status.REPORTED
    assert program.status_changes.count() == 9  # proposed, then eight steps
