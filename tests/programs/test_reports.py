"""The follow-up report: figures per program and period, PDF on the letterhead (its text carries the title and the
figures), the workbook, and the final report moving a completed program to «reported»; the volunteer's
certificate of hours."""

import io
import subprocess
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone
from openpyxl import load_workbook

from association.channels import Channel
from channels_log.contacts.models import ContactEntry
from channels_log.contacts.services import contact_record
from programs import services
from programs.models import Program
from tests.factories import BeneficiaryFactory, UserFactory

from . import factories as f

pytestmark = pytest.mark.django_db
S = Program.Status


def _pdf_text(path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


@pytest.fixture
def completed():
    """A completed program: two held sessions (7 attendees by list, an open event of 45), two volunteers'
    hours, a complaint naming it, a decision."""
    program = f.program_in(S.RUNNING, title="برنامج السلامة المنزلية")
    actor = program.coordinator
    first = program.sessions.get()
    event = f.plan_session(program, actor, open_event=True)
    helpers = [f.volunteer(actor=actor), f.volunteer(actor=actor)]
    for volunteer in helpers:
        services.volunteer_assign(program=program, volunteer=volunteer, task="التنظيم", actor=actor)
    for _ in range(7):
        attendance = services.attendance_add(
            session=first, actor=actor, beneficiary=BeneficiaryFactory(), send_link=False
        )
        services.attendance_mark(attendance=attendance, actor=actor)
    services.attendance_add(session=first, actor=actor, name="لم يحضر", send_link=False)
    services.session_held(session=first, actor=actor)
    services.session_held(session=event, actor=actor, head_count=45)
    services.hours_record(session=first, volunteer=helpers[0], hours=Decimal("3"), actor=actor)
    services.hours_record(session=event, volunteer=helpers[0], hours=Decimal("2.5"), actor=actor)
    services.hours_record(session=event, volunteer=helpers[1], hours=Decimal("4"), actor=actor)
    officer = UserFactory(role="relations_officer")
    contact_record(
        actor=officer,
        channel=Channel.objects.get(code="phone"),
        purpose=ContactEntry.Purpose.COMPLAINT,
        contact_name="أم خالد",
        contact_mobile="+966551239999",
        subject="تأخر بدء اللقاء",
        about=program.subject_key,
    )
    services.program_step(program=program, to=S.COMPLETED, actor=actor)
    services.note_add(program=program, kind="recommendation", text="بدء اللقاءات في موعدها", actor=actor)
    return program


def test_the_final_report_carries_the_title_and_figures_and_reports_the_program(completed, tmp_path):
    boss = f.manager()
    today = timezone.localdate()
    report = services.report_issue(
        program=completed,
        actor=boss,
        period_start=completed.start_date,
        period_end=today,
        final=True,
        addressed_to="مجلس الإدارة",
    )
    completed.refresh_from_db()
    assert completed.status == S.REPORTED
    assert completed.status_changes.last().actor == boss
    out = tmp_path / "report.pdf"
    call_command("render_document", "program_report", str(report.pk), "-o", str(out), stdout=io.StringIO())
    text = _pdf_text(out)
    assert "برنامج السلامة المنزلية" in text and completed.reference in text
    assert "52" in text  # 7 by name + 45 by head
    assert "9.5" in text  # volunteer hours
    assert "بدء اللقاءات في موعدها" in text
    case = completed and __import__("channels_log.cases.models", fromlist=["Case"]).Case.objects.get(
        about=completed.subject_key
    )
    assert case.reference in text


def test_the_workbook_has_the_same_figures(completed, client):
    boss = f.manager()
    report = services.report_issue(
        program=completed,
        actor=boss,
        period_start=completed.start_date,
        period_end=timezone.localdate(),
        final=False,
        addressed_to="وزارة الشؤون الإسلامية",
    )
    completed.refresh_from_db()
    assert completed.status == S.COMPLETED  # an interim report moves nothing
    client.force_login(boss)
    response = client.get(f"/programs/reports/{report.pk}/xlsx/")
    workbook = load_workbook(io.BytesIO(response.content))
    summary = {row[0]: row[1] for row in workbook.worksheets[0].iter_rows(values_only=True)}
    values = list(summary.values())[1:]  # under the header
    assert completed.title in values[0] and 2 in values and 52 in values and 9.5 in values
    assert len(list(workbook.worksheets[1].iter_rows())) == 3  # header + two sessions


def test_a_final_report_needs_a_completed_program():
    program = f.program_in(S.RUNNING)
    with pytest.raises(ValidationError):
        services.report_issue(
            program=program,
            actor=f.manager(),
            period_start=program.start_date,
            period_end=program.end_date,
            final=True,
            addressed_to="المجلس",
        )
    assert not program.reports.exists()


def test_the_volunteer_certificate_counts_their_hours(completed, tmp_path):
    volunteer = completed.assignments.first().volunteer
    out = tmp_path / "certificate.pdf"
    call_command("render_document", "volunteer_certificate", str(volunteer.pk), "-o", str(out), stdout=io.StringIO())
    text = _pdf_text(out)
    assert volunteer.full_name in text and "5.5" in text and "برنامج السلامة المنزلية" in text


def test_hours_only_for_an_assigned_volunteer_at_a_held_session(completed):
    stranger = f.volunteer()
    session = completed.sessions.first()
    with pytest.raises(ValidationError):
        services.hours_record(session=session, volunteer=stranger, hours=Decimal("2"), actor=completed.coordinator)
    applicant = f.volunteer(approved=False)
    with pytest.raises(ValidationError):
        services.volunteer_assign(program=completed, volunteer=applicant, task="x", actor=completed.coordinator)
