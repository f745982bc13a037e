"""A held session publishes ``program_session_held``; surveys (below programs, importing nothing of it) asks the
``session_attendees`` slot who attended and invites them; a low score opens a follow-up case; results are filed
under the program."""

import pytest

from channels_log.cases.models import Case
from programs import services
from programs.models import Program
from programs.selectors import program_figures
from surveys import services as survey_services
from surveys.models import Invitation, Trigger
from tests.factories import BeneficiaryFactory
from tests.surveys.factories import answers_for, consenting_beneficiary, enable_trigger, make_survey

from . import factories as f

pytestmark = pytest.mark.django_db
S = Program.Status


def test_attendees_are_invited_once_after_the_session_and_a_low_score_is_followed_up(
    django_capture_on_commit_callbacks,
):
    enable_trigger(Trigger.SESSION_HELD, make_survey(), delay_days=0)
    program = f.program_in(S.RUNNING)
    session = program.sessions.get()
    actor = program.coordinator
    came, absent = consenting_beneficiary(), consenting_beneficiary()
    no_consent = BeneficiaryFactory()
    for person in (came, absent, no_consent):
        services.attendance_add(session=session, actor=actor, beneficiary=person, send_link=False)
    for attendance in session.attendances.exclude(beneficiary=absent):
        services.attendance_mark(attendance=attendance, actor=actor)
    services.attendance_add(session=session, actor=actor, name="زائر بلا ملف", mobile="+966551112233", send_link=False)

    with django_capture_on_commit_callbacks(execute=True):  # the event runs after the commit
        services.session_held(session=session, actor=actor)
    invitations = Invitation.objects.filter(trigger=Trigger.SESSION_HELD)
    assert list(invitations.values_list("beneficiary", flat=True)) == [came.pk]
    invitation = invitations.get()
    assert invitation.subject_key == f"program:{program.pk}"
    with django_capture_on_commit_callbacks(execute=True):
        services.session_held(session=session, actor=actor)  # again: nothing more
    survey_services.invitations_for_session(session_id=session.pk)  # the event seen twice
    assert invitations.count() == 1

    with django_capture_on_commit_callbacks(execute=True):
        response = survey_services.response_submit(
            token=invitation.token, answers=answers_for(invitation.version, rating=1, score=2)
        )
    assert response.is_low and response.subject_key == f"program:{program.pk}"
    follow_up = Case.objects.get(kind=Case.Kind.FOLLOW_UP)
    assert follow_up.contact.beneficiary == came
    figures = program_figures(program)
    assert figures.responses == 1 and figures.low_responses == 1 and figures.average_rating == 1
    assert figures.sessions_held == 1 and figures.attendance == 2


def test_no_invitation_when_the_rule_is_off(django_capture_on_commit_callbacks):
    program = f.program_in(S.RUNNING)
    session = program.sessions.get()
    person = consenting_beneficiary()
    attendance = services.attendance_add(
        session=session, actor=program.coordinator, beneficiary=person, send_link=False
    )
    services.attendance_mark(attendance=attendance, actor=program.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        services.session_held(session=session, actor=program.coordinator)
    assert not Invitation.objects.exists()
