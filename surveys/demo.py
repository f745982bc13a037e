"""Demo data: a published survey, answered over the last months (for the charts), improvement
actions, the trigger rules switched on, and one open invitation whose link is printed."""

import datetime as dt
import random

from django.utils import timezone

from beneficiaries.models import Beneficiary
from beneficiaries.selectors import beneficiaries_with_national_id
from requests_app.models import SupportRequest

from . import services
from .models import ImprovementAction, Invitation, Question, Response, Survey, Trigger, TriggerRule

QUESTIONS = [
    (
        Question.Kind.RATING,
        "ما مدى رضاك عن الخدمة التي تلقيتها؟",
        "How satisfied are you with the service you received?",
        True,
        "",
    ),
    (
        Question.Kind.RATING,
        "ما مدى رضاك عن تعامل الموظفين معك؟",
        "How satisfied are you with how our staff treated you?",
        True,
        "",
    ),
    (
        Question.Kind.SCORE,
        "ما مدى احتمال أن توصي بالجمعية لأقاربك ومعارفك؟",
        "How likely are you to recommend the association to family and friends?",
        True,
        "",
    ),
    (
        Question.Kind.SINGLE,
        "هل أُنجز طلبك في الوقت الذي أُبلغت به؟",
        "Was your request completed in the time you were told?",
        True,
        "نعم | Yes\nلا | No\nلا أعرف | I don't know",
    ),
    (
        Question.Kind.MULTIPLE,
        "ما الذي أعجبك في الخدمة؟",
        "What did you like about the service?",
        False,
        "سرعة الإنجاز | Speed\nحسن الاستقبال | Courtesy\nوضوح الإجراءات | Clear procedure\nسهولة التواصل | Easy to reach",
    ),
    (Question.Kind.TEXT, "ملاحظات أو اقتراحات لتحسين الخدمة", "Notes or suggestions to improve the service", False, ""),
]

COMMENTS = [
    "شكرًا لكم على حسن التعامل.",
    "أتمنى تقليل مدة الانتظار في الاستقبال.",
    "الإجراءات واضحة والموظفة متعاونة.",
    "تأخر الرد على اتصالي أكثر من مرة.",
    "",
    "",
]


def _survey(manager) -> Survey:
    survey = services.survey_create(
        code="after-service",
        name_ar="استبيان رضا المستفيد بعد الخدمة",
        name_en="After-service satisfaction",
        actor=manager,
    )
    version = survey.versions.get()
    services.version_update(
        version=version,
        title_ar="استبيان رضا المستفيد",
        title_en="Beneficiary satisfaction survey",
        intro_ar="نشكرك على وقتك؛ إجاباتك تساعدنا على تحسين خدماتنا.",
        intro_en="Thank you for your time; your answers help us improve our services.",
        actor=manager,
    )
    for kind, text_ar, text_en, required, choices in QUESTIONS:
        services.question_add(
            version=version,
            kind=kind,
            text_ar=text_ar,
            text_en=text_en,
            required=required,
            choices_text=choices,
            actor=manager,
        )
    services.version_publish(version=version, actor=manager)
    return survey


def seed(*, users: dict, stdout, state: dict) -> None:
    from association.demo import demo_clock

    manager = users["manager"]
    officer = users["officer"]
    survey = Survey.objects.filter(code="after-service").first()
    if survey is None:
        with demo_clock(timezone.now() - dt.timedelta(days=200)):  # in use long before the answers below
            survey = _survey(manager)
    for trigger, delay in (("service_delivered", 1), ("decision_made", 0), ("complaint_closed", 2)):
        TriggerRule.objects.get_or_create(
            trigger=trigger, defaults={"enabled": True, "delay_days": delay, "survey": survey}
        )

    if not Response.objects.filter(version__survey=survey).exists():
        _responses(survey, officer)
        _after_delivery_invitations()
    if not ImprovementAction.objects.exists():
        today = timezone.localdate()
        services.improvement_action_create(
            data={
                "survey": survey,
                "finding": "انخفاض الرضا عن مدة الانتظار في الاستقبال خلال الشهرين الماضيين.",
                "kind": ImprovementAction.Kind.DECISION,
                "decision": "تخصيص موظف ثانٍ للاستقبال في أيام الأحد والاثنين.",
                "owner": manager,
                "due_date": today + dt.timedelta(days=21),
            },
            actor=manager,
        )
        services.improvement_action_create(
            data={
                "survey": survey,
                "finding": "تعليقات متكررة عن تأخر الرد على الاتصالات.",
                "kind": ImprovementAction.Kind.RECOMMENDATION,
                "decision": "توصية بتفعيل الرد الآلي وإعادة الاتصال خلال يوم عمل.",
                "owner": officer,
                "due_date": today - dt.timedelta(days=3),
            },
            actor=manager,
        )

    now = timezone.now()
    open_invitation = Invitation.objects.filter(
        version__survey=survey,
        trigger=Trigger.IN_PERSON,
        used_at__isnull=True,
        expires_at__gt=now + dt.timedelta(days=1),
    ).first()
    if open_invitation is None:
        open_invitation = services.invitation_in_person(survey=survey, actor=officer)
    stdout.write(f"Surveys: open demo survey link (single use): {open_invitation.absolute_url()}")


# Named answers of registered beneficiaries at a later visit: (registry index, days ago, low score).
# A low score opens a follow-up case; the officer calls back within its target, except for yesterday's.
NAMED_ANSWERS = [(16, 30, False), (17, 21, True), (18, 12, False), (19, 8, True), (20, 1, True)]


def _answers(rng, questions, low: bool) -> dict:
    answers = {}
    for question in questions:
        if question.kind == Question.Kind.RATING:
            answers[question.pk] = rng.choice([1, 2]) if low else rng.choice([4, 5, 5])
        elif question.kind == Question.Kind.SCORE:
            answers[question.pk] = rng.randint(1, 4) if low else rng.choice([8, 9, 10, 10])
        elif question.kind == Question.Kind.SINGLE:
            answers[question.pk] = question.choices.all()[1 if low else 0].pk
        elif question.kind == Question.Kind.MULTIPLE:
            answers[question.pk] = [] if low else [c.pk for c in question.choices.all() if rng.random() > 0.5]
        else:
            answers[question.pk] = "تأخر الرد على اتصالي أكثر من مرة." if low else rng.choice(COMMENTS)
    return answers


def _answer_at(at, *, survey, officer, answers, beneficiary=None, support_request=None) -> Response:
    """The link handed over at the desk at ``at``, answered a few minutes later on the phone there."""
    from association.demo import demo_clock

    with demo_clock(at):
        invitation = services.invitation_in_person(
            survey=survey, beneficiary=beneficiary, support_request=support_request, actor=officer
        )
    with demo_clock(at + dt.timedelta(minutes=7)):
        response = services.response_submit(token=invitation.token, answers=answers, language="ar")
    # seed_demo runs the reactions at once (events.immediately): a low score's follow-up is linked by now.
    response.refresh_from_db(fields=["follow_up"])
    return response


def _after_delivery_invitations() -> None:
    """The rule «after delivery, invite by SMS the next day», as it ran for the demo's deliveries."""
    from association.demo import demo_clock

    now = timezone.now()
    delivered = SupportRequest.objects.filter(deliveries__isnull=False).distinct().order_by("pk")
    for support_request in delivered:
        first = support_request.deliveries.order_by("recorded_at").first()
        with demo_clock(first.recorded_at + dt.timedelta(minutes=1)):
            invitation = services.invitation_for_event(
                trigger="service_delivered", beneficiary=support_request.beneficiary, support_request=support_request
            )
        if invitation is not None and invitation.scheduled_for + dt.timedelta(minutes=5) <= now:
            with demo_clock(invitation.scheduled_for + dt.timedelta(minutes=5)):
                services.invitation_send(invitation_id=invitation.pk)


def _responses(survey, officer) -> None:
    """Answers over the last six months (for the charts), each dated after what it rates: walk-in visitors
    by the QR code on the counter, beneficiaries at a later visit, and each request that got its decision or
    service, on the day it did. Some scores are low: their follow-up cases are handled within their target."""
    from association.channels import Channel
    from association.demo import demo_clock, demo_national_id
    from channels_log.cases import services as case_services
    from channels_log.cases.models import Case

    rng = random.Random(1448)
    version = survey.published_version()
    questions = list(version.questions.prefetch_related("choices"))
    now = timezone.now()
    for _i in range(30):
        at = now - dt.timedelta(days=rng.randint(2, 180), hours=rng.randint(0, 8))
        _answer_at(at, survey=survey, officer=officer, answers=_answers(rng, questions, rng.random() < 0.25))
    served = SupportRequest.objects.filter(decisions__isnull=False).distinct().order_by("pk")
    for support_request in served:
        moments = [d.decided_at for d in support_request.decisions.all()]
        moments += [d.recorded_at for d in support_request.deliveries.all()]
        at = min(max(moments) + dt.timedelta(hours=1), now - dt.timedelta(minutes=30))
        _answer_at(
            at, survey=survey, officer=officer, answers=_answers(rng, questions, False), support_request=support_request
        )
    phone = Channel.objects.get(code="phone")
    for index, days_ago, low in NAMED_ANSWERS:
        beneficiary = beneficiaries_with_national_id(
            Beneficiary.objects.all(), demo_national_id(index, resident=index % 6 == 5)
        ).first()
        if beneficiary is None:
            continue
        at = now - dt.timedelta(days=days_ago, hours=2)
        response = _answer_at(
            at, survey=survey, officer=officer, answers=_answers(rng, questions, low), beneficiary=beneficiary
        )
        case = Case.objects.filter(contact=response.follow_up).first() if response.follow_up_id else None
        if case is None or days_ago < 2:
            continue
        with demo_clock(at + dt.timedelta(hours=20)):
            case_services.case_answer(
                case=case,
                response="اتصلنا بالمستفيد واعتذرنا عن التأخير، ورُتِّب له موعد مراجعة.",
                channel=phone,
                actor=officer,
            )
        with demo_clock(at + dt.timedelta(hours=26)):
            case_services.case_close(case=case, actor=officer)
    # A few invitations that were handed over and never answered, so the response rate is honest.
    for _i in range(8):
        with demo_clock(now - dt.timedelta(days=rng.randint(20, 90))):
            services.invitation_in_person(survey=survey, actor=officer)
