"""Programs in any status, built through the services as staff would (a coordinator and a manager act)."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from association.kernel.roles import Role
from programs import services
from programs.models import Permit, PermitRequirement, Program, ProgramKind, Session, Volunteer
from tests.factories import UserFactory, valid_national_id

S = Program.Status
PATH = [S.UNDER_STUDY, S.APPROVED, S.AWAITING_PERMITS, S.PERMITTED, S.SCHEDULED, S.RUNNING, S.COMPLETED, S.REPORTED]

_counter = {"n": 0}
_NAMES = ["سالم", "فهد", "نورة", "هند", "ماجد", "ريم", "بدر", "سارة", "خالد", "لمياء", "عمر", "جود", "تركي"]


def _next() -> int:
    _counter["n"] += 1
    return _counter["n"]


def kind(*, permits=1) -> ProgramKind:
    n = _next()
    made = ProgramKind.objects.create(code=f"kind{n}", name_ar=f"نوع {n}", name_en=f"Kind {n}")
    for i in range(permits):
        PermitRequirement.objects.create(kind=made, name=f"تصريح {i + 1}", authority="فرع وزارة الشؤون الإسلامية")
    return made


def coordinator():
    user = UserFactory(role=Role.PROGRAMS_COORDINATOR)
    user.email = f"{user.username}@example.org"
    user.save(update_fields=["email"])
    return user


def manager():
    return UserFactory(role=Role.MANAGER)


def volunteer(*, actor=None, approved=True) -> Volunteer:
    actor = actor or coordinator()
    n = _next()
    made = services.volunteer_apply(
        actor=actor,
        volunteer=Volunteer(
            full_name=f"متطوع {_NAMES[n % len(_NAMES)]}",  # no digit: right-to-left text with digits is reordered
            national_id=valid_national_id(70000000 + n),
            mobile=f"+96656{n:07d}",
            skills="التنظيم",
            availability=Volunteer.Availability.EVENINGS,
        ),
    )
    if approved:
        services.volunteer_step(volunteer=made, to=Volunteer.Status.APPROVED, actor=actor)
    return made


def proposal(*, actor=None, program_kind=None, proposer=None, title="برنامج التوعية الأسرية") -> Program:
    actor = actor or coordinator()
    proposer = proposer or volunteer(actor=actor)
    today = timezone.localdate()
    return services.program_propose(
        actor=actor,
        program=Program(
            title=title,
            kind=program_kind or kind(),
            requester=Program.Requester.VOLUNTEER,
            volunteer=proposer,
            audience="الأسر",
            place="مقر الجمعية",
            start_date=today,
            end_date=today + dt.timedelta(days=30),
            expected_attendance=40,
            budget=Decimal("5000"),
            coordinator=actor,
        ),
    )


def issue_permits(program: Program, actor, *, issued_on=None, days=90):
    issued_on = issued_on or timezone.localdate()
    for requirement in program.kind.permit_requirements.all():
        services.permit_save(
            permit=Permit(
                program=program,
                requirement=requirement,
                requested_on=issued_on - dt.timedelta(days=3),
                number=f"T-{requirement.pk}-{program.pk}",
                issued_on=issued_on,
                expires_on=issued_on + dt.timedelta(days=days),
            ),
            actor=actor,
        )


def plan_session(program: Program, actor, *, starts_at=None, open_event=False) -> Session:
    return services.session_save(
        session=Session(
            program=program,
            title="اللقاء الأول",
            starts_at=starts_at or timezone.now(),
            place="القاعة الكبرى",
            facilitator="د. منيرة",
            open_event=open_event,
        ),
        actor=actor,
    )


def program_in(status: str, *, actor=None, boss=None, **kwargs) -> Program:
    """A program taken along the lifecycle to ``status`` through the services."""
    actor = actor or coordinator()
    boss = boss or manager()
    program = proposal(actor=actor, **kwargs)
    if status == S.PROPOSED:
        return program
    if status == S.WITHDRAWN:
        return services.program_step(program=program, to=S.WITHDRAWN, actor=actor, reason="اعتذار")
    services.program_step(program=program, to=S.UNDER_STUDY, actor=actor)
    if status in (S.APPROVED, S.REJECTED) or PATH.index(status) > PATH.index(S.APPROVED):
        services.program_decide(program=program, actor=boss, approve=status != S.REJECTED, note="قرار")
    for step in PATH[2:]:
        if status in (S.UNDER_STUDY, S.APPROVED, S.REJECTED) or PATH.index(step) > PATH.index(status):
            break
        if step == S.PERMITTED:
            issue_permits(program, actor)
        if step == S.SCHEDULED:
            plan_session(program, actor)
        if step == S.REPORTED:
            services.report_issue(
                program=program,
                actor=boss,
                period_start=program.start_date,
                period_end=program.end_date,
                final=True,
                addressed_to="مجلس الإدارة",
            )
            break
        services.program_step(program=program, to=step, actor=actor)
    program.refresh_from_db()
    return program
