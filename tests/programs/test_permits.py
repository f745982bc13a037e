"""A program is permitted and scheduled only with valid permits of every kind its kind needs; a permit about to
expire reminds its owner once (the Celery beat task, idempotent)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from channels_log.messaging.models import OutgoingMessage
from programs import services, tasks
from programs.models import Permit, Program

from . import factories as f

pytestmark = pytest.mark.django_db
S = Program.Status


def test_no_permitted_step_without_a_valid_permit_of_each_kind():
    program = f.program_in(S.AWAITING_PERMITS, program_kind=f.kind(permits=2))
    actor = program.coordinator
    first, second = program.kind.permit_requirements.all()
    today = timezone.localdate()
    services.permit_save(
        permit=Permit(
            program=program,
            requirement=first,
            requested_on=today,
            number="A-1",
            issued_on=today,
            expires_on=today + dt.timedelta(days=60),
        ),
        actor=actor,
    )
    # The second only requested: not valid yet.
    services.permit_save(permit=Permit(program=program, requirement=second, requested_on=today), actor=actor)
    with pytest.raises(ValidationError) as refused:
        services.program_step(program=program, to=S.PERMITTED, actor=actor)
    assert second.name in str(refused.value)
    assert Program.objects.get(pk=program.pk).status == S.AWAITING_PERMITS
    permit = program.permits.get(requirement=second)
    permit.number, permit.issued_on, permit.expires_on = "B-2", today, today + dt.timedelta(days=60)
    services.permit_save(permit=permit, actor=actor)
    services.program_step(program=program, to=S.PERMITTED, actor=actor)
    assert Program.objects.get(pk=program.pk).status == S.PERMITTED


def test_an_expired_permit_stops_the_scheduling():
    program = f.program_in(S.PERMITTED)
    f.plan_session(program, program.coordinator)
    permit = program.permits.get()
    permit.issued_on = timezone.localdate() - dt.timedelta(days=40)
    permit.requested_on = permit.issued_on
    permit.expires_on = timezone.localdate() - dt.timedelta(days=1)
    services.permit_save(permit=permit, actor=program.coordinator)
    with pytest.raises(ValidationError):
        services.program_step(program=program, to=S.SCHEDULED, actor=program.coordinator)
    assert Program.objects.get(pk=program.pk).status == S.PERMITTED


def test_a_half_issued_permit_is_refused_next_to_its_fields():
    program = f.program_in(S.AWAITING_PERMITS)
    with pytest.raises(ValidationError) as refused:
        services.permit_save(
            permit=Permit(
                program=program,
                requirement=program.kind.permit_requirements.get(),
                requested_on=timezone.localdate(),
                number="X-9",
            ),
            actor=program.coordinator,
        )
    assert "number" in refused.value.message_dict
    assert not Permit.objects.filter(program=program).exists()


def test_a_permit_about_to_expire_reminds_its_owner_once():
    program = f.program_in(S.SCHEDULED)
    soon = f.program_in(S.RUNNING)
    permit = soon.permits.get()
    permit.expires_on = timezone.localdate() + dt.timedelta(days=5)
    services.permit_save(permit=permit, actor=soon.coordinator)
    # A neighbour: a finished program's permit expiring too is nobody's concern.
    done = f.program_in(S.COMPLETED)
    old = done.permits.get()
    old.expires_on = timezone.localdate() + dt.timedelta(days=3)
    services.permit_save(permit=old, actor=done.coordinator)

    assert tasks.permit_expiry_sweep.apply().get() == 1
    assert tasks.permit_expiry_sweep.apply().get() == 0  # once
    reminders = OutgoingMessage.objects.filter(event="program_permit_expiring")
    assert reminders.count() == 1
    reminder = reminders.get()
    assert reminder.user == soon.coordinator and reminder.subject_id == soon.pk
    assert reminder.channel == "email" and reminder.recipient == soon.coordinator.email
    assert soon.reference in reminder.body
    assert not OutgoingMessage.objects.filter(event="program_permit_expiring", subject_id=program.pk).exists()
    permit.refresh_from_db()
    assert permit.reminded_at is not None
