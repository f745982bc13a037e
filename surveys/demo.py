"""Demo data: a published survey, answered over the last months (for the charts), improvement
actions, the trigger rules switched on, and one open invitation whose link is printed."""

import datetime as dt
import random

from django.utils import timezone

from requests_app.models import SupportRequest

from . import services
from .models import ImprovementAction, Invitation, Question, Response, Survey, Trigger, TriggerRule

QUESTIONS = [
    (Question.Kind.RATING, "ما مدى رضاك عن الخدمة التي تلقيتها؟", "How satisfied are you with the service you received?", True, ""),
    (Question.Kind.RATING, "ما مدى رضاك عن تعامل الموظفين معك؟", "How satisfied are you with how our staff treated you?", True, ""),
    (Question.Kind.SCORE, "ما مدى احتمال أن توصي بالجمعية لأقاربك ومعارفك؟", "How likely are you to recommend the association to family and friends?", True, ""),
    (Question.Kind.SINGLE, "هل أُنجز طلبك في الوقت الذي أُبلغت به؟", "Was your request completed in the time you were told?", True,
     "نعم | Yes\nلا | No\nلا أعرف | I don't know"),
    (Question.Kind.MULTIPLE, "ما الذي أعجبك في الخدمة؟", "What did you like about the service?", False,
     "سرعة الإنجاز | Speed\nحسن الاستقبال | Courtesy\nوضوح الإجراءات | Clear procedure\nسهولة التواصل | Easy to reach"),
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


def seed(*, users: dict, stdout) -> None:
    manager = users["manager"]
    officer = users["officer"]
    survey = Survey.objects.filter(code="after-service").first()
    if survey is None:
        survey = services.survey_create(
            code="after-service", name_ar="استبيان رضا المستفيد بعد الخدمة", name_en="After-service satisfaction",
            actor=manager,
        )
        version = survey.versions.get()
        services.version_update(
            version=version, title_ar="استبيان رضا المستفيد", title_en="Beneficiary satisfaction survey",
            intro_ar="نشكرك على وقتك؛ إجاباتك تساعدنا على تحسين خدماتنا.",
            intro_en="Thank you for your time; your answers help us improve our services.", actor=manager,
        )
        for kind, text_ar, text_en, required, choices in QUESTIONS:
            services.question_add(version=version, kind=kind, text_ar=text_ar, text_en=text_en, required=required,
                                  choices_text=choices, actor=manager)
        services.version_publish(version=version, actor=manager)
    for trigger, delay in (("service_delivered", 1), ("decision_made", 0), ("complaint_closed", 2)):
        TriggerRule.objects.get_or_create(trigger=trigger, defaults={"enabled": True, "delay_days": delay, "survey": survey})

    if not Response.objects.filter(version__survey=survey).exists():
        _responses(survey, officer)
    if not ImprovementAction.objects.exists():
        today = timezone.localdate()
        services.improvement_action_create(data={
            "survey": survey, "finding": "انخفاض الرضا عن مدة الانتظار في الاستقبال خلال الشهرين الماضيين.",
            "kind": ImprovementAction.Kind.DECISION, "decision": "تخصيص موظف ثانٍ للاستقبال في أيام الأحد والاثنين.",
            "owner": manager, "due_date": today + dt.timedelta(days=21)}, actor=manager)
        services.improvement_action_create(data={
            "survey": survey, "finding": "تعليقات متكررة عن تأخر الرد على الاتصالات.",
            "kind": ImprovementAction.Kind.RECOMMENDATION, "decision": "توصية بتفعيل الرد الآلي وإعادة الاتصال خلال يوم عمل.",
            "owner": officer, "due_date": today - dt.timedelta(days=3)}, actor=manager)

    now = timezone.now()
    open_invitation = Invitation.objects.filter(
        version__survey=survey, trigger=Trigger.IN_PERSON, used_at__isnull=True, expires_at__gt=now + dt.timedelta(days=1)
    ).first()
    if open_invitation is None:
        open_invitation = services.invitation_in_person(survey=survey, actor=officer)
    stdout.write(f"Surveys: open demo survey link (single use): {open_invitation.absolute_url()}")


def _responses(survey, officer) -> None:
    """About 40 answered invitations spread over the last six months, some low (they open follow-ups)."""
    rng = random.Random(1448)
    requests = list(SupportRequest.objects.select_related("beneficiary").order_by("pk")[:12])
    version = survey.published_version()
    questions = list(version.questions.prefetch_related("choices"))
    now = timezone.now()
    for i in range(40):
        at = now - dt.timedelta(days=rng.randint(1, 180), hours=rng.randint(0, 8))
        support_request = requests[i % len(requests)] if requests else None
        invitation = services.invitation_in_person(survey=survey, support_request=support_request, actor=officer, now=at)
        mood = rng.random()
        answers = {}
        for question in questions:
            if question.kind == Question.Kind.RATING:
                answers[question.pk] = rng.choice([4, 5, 5]) if mood > 0.25 else rng.choice([1, 2, 3])
            elif question.kind == Question.Kind.SCORE:
                answers[question.pk] = rng.choice([8, 9, 10, 10]) if mood > 0.3 else rng.randint(2, 7)
            elif question.kind == Question.Kind.SINGLE:
                answers[question.pk] = question.choices.all()[0 if mood > 0.3 else 1].pk
            elif question.kind == Question.Kind.MULTIPLE:
                answers[question.pk] = [c.pk for c in question.choices.all() if rng.random() > 0.5]
            else:
                answers[question.pk] = rng.choice(COMMENTS)
        services.response_submit(token=invitation.token, answers=answers, language="ar",
                                 now=at + dt.timedelta(minutes=rng.randint(5, 600)))
    # A few invitations that were sent and never answered, so the response rate is honest.
    for _i in range(8):
        services.invitation_in_person(survey=survey, actor=officer, now=now - dt.timedelta(days=rng.randint(20, 90)))
