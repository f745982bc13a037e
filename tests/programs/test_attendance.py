"""Attendance: a signed QR link per person and session that records them once; the list; head-counts."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from channels_log.messaging.models import OutgoingMessage
from programs import services
from programs.models import Attendance, Program
from tests.factories import BeneficiaryFactory

from . import factories as f

pytestmark = pytest.mark.django_db
S = Program.Status


@pytest.fixture
def session():
    program = f.program_in(S.RUNNING)
    return program.sessions.get()


def test_the_qr_link_records_attendance_once(client, session):
    beneficiary = BeneficiaryFactory()
    attendance = services.attendance_add(session=session, actor=session.program.coordinator, beneficiary=beneficiary)
    link = OutgoingMessage.objects.get(event="program_attendance_link", beneficiary=beneficiary, channel="sms")
    url = services.attendance_url(attendance)
    assert url in link.body
    path = url.split("://", 1)[1].split("/", 1)[1]
    first = client.post("/" + path)
    assert "attend-result" in first.content.decode() and first.context["done"]
    attendance.refresh_from_db()
    assert attendance.method == Attendance.Method.QR and attendance.checked_in_at is not None
    at = attendance.checked_in_at
    second = client.post("/" + path)
    assert second.context["refused"] == "used"
    attendance.refresh_from_db()
    assert attendance.checked_in_at == at


def test_an_altered_or_foreign_token_is_refused(client, session):
    attendance = services.attendance_add(
        session=session, actor=session.program.coordinator, name="زائر", send_link=False
    )
    signed = services.attendance_signed(attendance)
    assert client.get(f"/attend/{signed[:-2]}xx/").status_code == 404
    assert client.post(f"/attend/{attendance.token}/").status_code == 404  # the raw token is not a link
    attendance.refresh_from_db()
    assert attendance.checked_in_at is None


def test_the_link_opens_only_around_the_session(session):
    attendance = services.attendance_add(
        session=session, actor=session.program.coordinator, name="زائر", send_link=False
    )
    signed = services.attendance_signed(attendance)
    with pytest.raises(services.AttendanceRefused) as early:
        services.attendance_check_in(signed=signed, now=session.starts_at - dt.timedelta(hours=5))
    assert early.value.reason == "not_open"
    with pytest.raises(services.AttendanceRefused):
        services.attendance_check_in(signed=signed, now=session.starts_at + dt.timedelta(days=2))
    services.attendance_check_in(signed=signed, now=session.starts_at)


def test_the_list_ticks_and_a_person_is_listed_once(session):
    actor = session.program.coordinator
    beneficiary = BeneficiaryFactory()
    attendance = services.attendance_add(session=session, actor=actor, beneficiary=beneficiary, send_link=False)
    with pytest.raises(ValidationError):
        services.attendance_add(session=session, actor=actor, beneficiary=beneficiary, send_link=False)
    services.attendance_mark(attendance=attendance, actor=actor)
    attendance.refresh_from_db()
    assert attendance.method == Attendance.Method.LIST
    with pytest.raises(services.AttendanceRefused) as used:
        services.attendance_check_in(signed=services.attendance_signed(attendance), now=timezone.now())
    assert used.value.reason == "used"


def test_an_open_event_is_counted_by_heads():
    program = f.program_in(S.SCHEDULED)
    event = f.plan_session(program, program.coordinator, open_event=True)
    services.program_step(program=program, to=S.RUNNING, actor=program.coordinator)
    with pytest.raises(ValidationError):
        services.attendance_add(session=event, actor=program.coordinator, name="زائر")
    with pytest.raises(ValidationError) as refused:
        services.session_held(session=event, actor=program.coordinator)
    assert "head_count" in refused.value.message_dict
    services.session_held(session=event, actor=program.coordinator, head_count=120)
    event.refresh_from_db()
    assert event.head_count == 120 and event.status == "held"
