"""Demo data (registry slot ``demo``): program kinds and their permits, organisations, volunteers, a program in every
status, and a completed program played on the demo clock — proposed by a volunteer, approved, permitted, three
sessions attended (QR, list, head-count) and surveyed, volunteers' hours — with its final report."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from association.channels import system_channel
from association.demo import demo_clock, demo_day
from association.policy.procedure import procedure_in_force
from beneficiaries.models import Beneficiary, Consent
from channels_log.contacts.models import ContactEntry
from channels_log.contacts.services import contact_record
from surveys import services as survey_services
from surveys.models import Question, Survey, Trigger, TriggerRule

from . import services
from .models import Organisation, PermitRequirement, Program, ProgramKind, Session, Volunteer
from .procedure import programs_decider

S = Program.Status

KINDS = [
    ("awareness", "برنامج توعوي", "Awareness program", [("تصريح إقامة برنامج دعوي", "فرع وزارة الشؤون الإسلامية")]),
    ("lecture", "محاضرة", "Lecture", [("تصريح محاضرة", "فرع وزارة الشؤون الإسلامية")]),
    ("course", "دورة تدريبية", "Course", []),
    ("waqf_service", "خدمة وقفية", "Waqf service", [("موافقة الناظر", "نظارة الوقف")]),
    ("project", "مشروع مجتمعي", "Community project", [("تصريح بلدي", "البلدية")]),
]
ORGANISATIONS = [
    ("جامع الملك فهد بحي النسيم", Organisation.Kind.MOSQUE, "عبدالرحمن السالم", "إمام الجامع", "+966551230001"),
    ("مدرسة ابن خلدون الابتدائية", Organisation.Kind.SCHOOL, "ناصر الشمري", "قائد المدرسة", "+966551230002"),
    ("وقف آل راشد الخيري", Organisation.Kind.WAQF, "محمد آل راشد", "ناظر الوقف", "+966551230003"),
    (
        "لجنة التنمية الاجتماعية بحي الروضة",
        Organisation.Kind.NEIGHBOURHOOD,
        "سارة القرني",
        "رئيسة اللجنة",
        "+966551230004",
    ),
    ("مكتب الوزارة بالمنطقة", Organisation.Kind.MINISTRY_OFFICE, "أحمد الزهراني", "مدير المكتب", "+966551230005"),
]
VOLUNTEERS = [
    ("عبدالعزيز فهد الحربي", "1000000008", "+966550000101", "تقديم المحاضرات، التصميم", Volunteer.Status.APPROVED),
    ("نوف سعد القحطاني", "1000000016", "+966550000102", "تنظيم الفعاليات، التصوير", Volunteer.Status.APPROVED),
    ("يوسف خالد الدوسري", "1000000024", "+966550000103", "الإسعافات الأولية، التنظيم", Volunteer.Status.APPROVED),
    ("هند علي الشهري", "1000000032", "+966550000104", "الإرشاد الأسري", Volunteer.Status.APPLIED),
    ("ماجد صالح العتيبي", "1000000040", "+966550000105", "القيادة", Volunteer.Status.REJECTED),
]
# title, kind, requester, final status
PROGRAMS = [
    ("برنامج الأسرة الآمنة", "awareness", Program.Requester.ORGANISATION, S.PROPOSED),
    ("محاضرة فضل الوقف", "lecture", Program.Requester.SUPERVISING_BODY, S.UNDER_STUDY),
    ("دورة مهارات البحث عن عمل", "course", Program.Requester.VOLUNTEER, S.APPROVED),
    ("رحلة ترفيهية للأيتام", "project", Program.Requester.BENEFICIARY, S.REJECTED),
    ("سقيا الماء في المساجد", "waqf_service", Program.Requester.ORGANISATION, S.AWAITING_PERMITS),
    ("محاضرة حقوق الجار", "lecture", Program.Requester.VOLUNTEER, S.PERMITTED),
    ("برنامج رمضان التوعوي", "awareness", Program.Requester.ORGANISATION, S.SCHEDULED),
    ("دورة الحاسب للأمهات", "course", Program.Requester.VOLUNTEER, S.RUNNING),
    ("مشروع تشجير الحي", "project", Program.Requester.ORGANISATION, S.COMPLETED),
    ("برنامج القراءة الصيفي", "course", Program.Requester.VOLUNTEER, S.WITHDRAWN),
]
PATH = [S.UNDER_STUDY, S.APPROVED, S.AWAITING_PERMITS, S.PERMITTED, S.SCHEDULED, S.RUNNING, S.COMPLETED]


def _reference_data():
    for code, name_ar, name_en, permits in KINDS:
        kind, created = ProgramKind.objects.get_or_create(code=code, defaults={"name_ar": name_ar, "name_en": name_en})
        if created:
            for name, authority in permits:
                PermitRequirement.objects.create(kind=kind, name=name, authority=authority)


def _volunteers(coordinator):
    volunteers = []
    for name, national_id, mobile, skills, status in VOLUNTEERS:
        volunteer = services.volunteer_apply(
            actor=coordinator,
            volunteer=Volunteer(
                full_name=name, national_id=national_id, mobile=mobile, skills=skills, availability="evenings"
            ),
        )
        if status != Volunteer.Status.APPLIED:
            reason = "" if status == Volunteer.Status.APPROVED else "لا تتوافق الأوقات المتاحة مع البرامج الحالية"
            services.volunteer_step(volunteer=volunteer, to=status, actor=coordinator, reason=reason)
        volunteers.append(volunteer)
    return volunteers


def _requester_taken(requester: str) -> str:
    """The proposer the policy in force takes: a volunteer's proposal becomes an organisation's request where the
    policy takes no volunteers' proposals, and the other way round."""
    profile = procedure_in_force()
    if requester == Program.Requester.VOLUNTEER and not profile.volunteer_proposals:
        return Program.Requester.ORGANISATION
    if requester != Program.Requester.VOLUNTEER and not profile.program_requests:
        return Program.Requester.VOLUNTEER
    return requester


def _propose(*, title, kind, requester, coordinator, volunteer, organisation, beneficiary, start):
    requester = _requester_taken(requester)
    program = Program(
        title=title,
        kind=ProgramKind.objects.get(code=kind),
        requester=requester,
        volunteer=volunteer if requester == Program.Requester.VOLUNTEER else None,
        organisation=organisation if requester == Program.Requester.ORGANISATION else None,
        beneficiary=beneficiary if requester == Program.Requester.BENEFICIARY else None,
        body_reference="خطاب رقم 4471/ش" if requester == Program.Requester.SUPERVISING_BODY else "",
        body_mobile="+966551230005" if requester == Program.Requester.SUPERVISING_BODY else "",
        audience="أسر المستفيدين وأهالي الحي",
        place="مقر الجمعية — القاعة الكبرى",
        start_date=start,
        end_date=start + dt.timedelta(days=30),
        expected_attendance=60,
        budget=Decimal("12500.00"),
        description="برنامج يخدم احتياجات المستفيدين كما رصدتها الجمعية في استبيانات الرضا.",
        coordinator=coordinator,
    )
    return services.program_propose(actor=coordinator, program=program)


def _permits(program, coordinator, issued_on, days=120):
    for requirement in program.kind.permit_requirements.all():
        permit = services.Permit(
            program=program,
            requirement=requirement,
            authority=requirement.authority,
            requested_on=issued_on - dt.timedelta(days=5),
            number=f"{requirement.pk}{program.pk:04d}",
            issued_on=issued_on,
            expires_on=issued_on + dt.timedelta(days=days),
        )
        services.permit_save(permit=permit, actor=coordinator)


def _decide(program, *, users, approve: bool, note: str):
    """The deciding body the policy in force names decides: the manager, the committee through its chair, or a
    competent body outside the association whose letter the coordinator records."""
    decider = programs_decider()[0]
    if decider == "competent_body":
        letter = f"خطاب رقم {program.pk:04d}/ب"
        return services.program_decide(
            program=program, actor=users["coordinator"], approve=approve, note=note, body_letter=letter
        )
    actor = users["chair"] if decider == "committee" else users["manager"]
    return services.program_decide(program=program, actor=actor, approve=approve, note=note)


def _walk(program, to, *, users):
    """Take ``program`` along the path up to ``to`` (a rejection or withdrawal leaves the path where it says)."""
    coordinator = users["coordinator"]
    if to == S.PROPOSED:
        return
    services.program_step(program=program, to=S.UNDER_STUDY, actor=coordinator)
    if to == S.UNDER_STUDY:
        return
    if to == S.REJECTED:
        _decide(program, users=users, approve=False, note="لا تتوفر الميزانية هذا العام")
        return
    if to == S.WITHDRAWN:
        services.program_step(program=program, to=S.WITHDRAWN, actor=coordinator, reason="اعتذر المتطوع لظرف طارئ")
        return
    _decide(program, users=users, approve=True, note="يتوافق مع أولويات الخطة السنوية")
    for step in PATH[2:]:
        if PATH.index(step) > PATH.index(to):
            return
        if step == S.PERMITTED:
            # The permitted program's permit runs out soon: the sweep reminds its coordinator.
            _permits(program, coordinator, issued_on=timezone.localdate(), days=18 if to == S.PERMITTED else 120)
        if step == S.SCHEDULED:
            services.session_save(
                session=Session(
                    program=program,
                    title=f"{program.title} — اللقاء الأول",
                    starts_at=timezone.now() + dt.timedelta(days=3),
                    place=program.place,
                    facilitator="أ. عبدالعزيز الحربي",
                ),
                actor=coordinator,
            )
        services.program_step(program=program, to=step, actor=coordinator)


def _answers(version, low: bool) -> dict:
    answers = {}
    for question in version.questions.all():
        if question.kind == Question.Kind.RATING:
            answers[question.pk] = 2 if low else 5
        elif question.kind == Question.Kind.SCORE:
            answers[question.pk] = 3 if low else 9
        elif question.kind == Question.Kind.SINGLE:
            answers[question.pk] = question.choices.first().pk
        elif question.kind == Question.Kind.MULTIPLE:
            answers[question.pk] = [question.choices.first().pk]
    return answers


def _completed_story(*, users, volunteers, stdout):
    """A volunteer's proposal from intake to its final report, on the demo clock."""
    coordinator, manager = users["coordinator"], users["manager"]
    volunteer = volunteers[0]
    survey = Survey.objects.filter(code="after-service").first()
    if survey is not None:
        TriggerRule.objects.get_or_create(
            trigger=Trigger.SESSION_HELD, defaults={"enabled": True, "delay_days": 0, "survey": survey}
        )
    # People from the registry who agreed to surveys: the survey after each session reaches them.
    attendees = list(
        Beneficiary.objects.filter(consents__purpose=Consent.Purpose.SURVEYS, consents__withdrawn_at__isnull=True)
        .distinct()
        .order_by("pk")[:12]
    )
    with demo_clock(demo_day(60, 10)):
        program = _propose(
            title="برنامج التوعية الصحية للأسر",
            kind="awareness",
            requester=Program.Requester.VOLUNTEER,
            coordinator=coordinator,
            volunteer=volunteer,
            organisation=Organisation.objects.order_by("pk").first(),
            beneficiary=None,
            start=timezone.localdate() + dt.timedelta(days=14),
        )
    with demo_clock(demo_day(58, 9)):
        services.program_step(program=program, to=S.UNDER_STUDY, actor=coordinator)
    with demo_clock(demo_day(50, 11)):
        _decide(program, users=users, approve=True, note="يخدم احتياج الأسر الصحي")
        services.program_step(program=program, to=S.AWAITING_PERMITS, actor=coordinator)
    session_times = [demo_day(days_ago, 17) for days_ago in (40, 33, 26)]  # from today, not the demo clock's day
    with demo_clock(demo_day(45, 12)):
        _permits(program, coordinator, issued_on=timezone.localdate())
        services.program_step(program=program, to=S.PERMITTED, actor=coordinator)
        for assigned, task in zip(
            volunteers[:3], ("تقديم المحاضرة", "التنظيم والاستقبال", "الإسعافات الأولية"), strict=True
        ):
            services.volunteer_assign(program=program, volunteer=assigned, task=task, actor=coordinator)
        sessions = []
        for number, starts_at in enumerate(session_times, start=1):
            sessions.append(
                services.session_save(
                    session=Session(
                        program=program,
                        title=f"اللقاء {number}",
                        starts_at=starts_at,
                        place="مقر الجمعية — القاعة الكبرى" if number < 3 else "حديقة الحي",
                        facilitator="د. منيرة العبدالله",
                        open_event=number == 3,
                    ),
                    actor=coordinator,
                )
            )
        services.program_step(program=program, to=S.SCHEDULED, actor=coordinator)
    with demo_clock(demo_day(41, 9)):
        services.program_step(program=program, to=S.RUNNING, actor=coordinator)
    for index, session in enumerate(sessions):
        days_ago = (40, 33, 26)[index]
        with demo_clock(demo_day(days_ago, 16)):
            if not session.open_event:
                for number, beneficiary in enumerate(attendees):
                    attendance = services.attendance_add(session=session, actor=coordinator, beneficiary=beneficiary)
                    if number % 3 == 0:  # two in three came
                        continue
                    if number % 2:
                        services.attendance_check_in(
                            signed=services.attendance_signed(attendance), now=session.starts_at
                        )
                    else:
                        services.attendance_mark(attendance=attendance, actor=coordinator)
        with demo_clock(demo_day(days_ago, 19)):
            session = services.session_held(
                session=session, actor=coordinator, head_count=85 if session.open_event else None
            )
            for assigned, hours in zip(volunteers[:3], (Decimal("3"), Decimal("2.5"), Decimal("2")), strict=True):
                services.hours_record(session=session, volunteer=assigned, hours=hours, actor=coordinator)
        with demo_clock(demo_day(days_ago - 1, 10)):
            _answer_invitations(session, low_one=index == 0)
    with demo_clock(demo_day(30, 12)):
        # An inquiry about the program, named on its case (the contact form offers programs).
        contact_record(
            actor=users["officer"],
            channel=system_channel("phone"),
            purpose=ContactEntry.Purpose.INQUIRY,
            contact_name="أم فيصل",
            contact_mobile="+966551237777",
            subject="موعد اللقاء المفتوح ومكانه",
            body="هل اللقاء الثالث مفتوح للجميع؟ وهل يلزم التسجيل المسبق؟",
            about=program.subject_key,
        )
    with demo_clock(demo_day(20, 10)):
        services.program_step(program=program, to=S.COMPLETED, actor=coordinator)
        services.note_add(
            program=program, kind="decision", text="تكرار البرنامج في الفصل القادم بحي الروضة", actor=manager
        )
        services.note_add(
            program=program,
            kind="recommendation",
            text="تخصيص مقاعد لكبار السن ونقل اللقاءات المفتوحة إلى الحديقة",
            actor=coordinator,
        )
    with demo_clock(demo_day(18, 11)):
        report = services.report_issue(
            program=program,
            actor=manager,
            period_start=sessions[0].starts_at.date() - dt.timedelta(days=1),
            period_end=timezone.localdate(),
            final=True,
            addressed_to="مجلس إدارة الجمعية",
        )
    stdout.write(f"  Program {program.reference} reported: render_document program_report {report.pk}")


def _answer_invitations(session, *, low_one: bool):
    from surveys.models import Invitation

    invitations = Invitation.objects.filter(
        trigger=Trigger.SESSION_HELD, related_key__startswith=f"session:{session.pk}:", used_at__isnull=True
    ).select_related("version")
    for number, invitation in enumerate(invitations.order_by("pk")):
        if number % 2:  # about half answer
            continue
        survey_services.response_submit(
            token=invitation.token, answers=_answers(invitation.version, low=low_one and number == 2), language="ar"
        )


def _play(index, title, kind, requester, status, users, volunteers, beneficiary):
    organisations = list(Organisation.objects.order_by("pk"))
    program = _propose(
        title=title,
        kind=kind,
        requester=requester,
        coordinator=users["coordinator"],
        volunteer=volunteers[index % 3],
        organisation=organisations[index % len(organisations)],
        beneficiary=beneficiary,
        start=timezone.localdate() + dt.timedelta(days=7 + index),
    )
    _walk(program, status, users=users)


def seed(*, users, stdout, state) -> None:
    _reference_data()
    if Program.objects.exists():
        return
    profile = procedure_in_force()
    if not (profile.program_requests or profile.volunteer_proposals):
        stdout.write("Programs: none — the policy in force takes no program requests nor volunteers' proposals.")
        return
    coordinator = users["coordinator"]
    if not Organisation.objects.exists():
        for name, kind, person, title, mobile in ORGANISATIONS:
            services.organisation_save(
                actor=coordinator,
                organisation=Organisation(
                    name=name,
                    kind=kind,
                    contact_person=person,
                    contact_title=title,
                    contact_mobile=mobile,
                    city="الرياض",
                ),
            )
    with demo_clock(demo_day(70, 9)):
        volunteers = _volunteers(coordinator)
    beneficiary = Beneficiary.objects.order_by("pk").first()
    for index, (title, kind, requester, status) in enumerate(PROGRAMS):
        # The history of the last twelve days, one proposal a day.
        with demo_clock(demo_day(12 - index, 9)):
            _play(index, title, kind, requester, status, users, volunteers, beneficiary)
    _completed_story(users=users, volunteers=volunteers, stdout=stdout)
    services.permit_expiry_sweep()
    stdout.write(
        f"Programs: {Program.objects.count()} in {Program.objects.values('status').distinct().count()} statuses."
    )
