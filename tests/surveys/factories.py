"""Surveys built through the services, as staff build them."""

import datetime as dt

from django.utils import timezone

from beneficiaries.models import Consent
from surveys import services
from surveys.models import Question, Survey, TriggerRule
from tests.factories import BeneficiaryFactory, SupportRequestFactory, UserFactory

_counter = iter(range(10**6))


def consenting_beneficiary(**kwargs):
    beneficiary = BeneficiaryFactory(**kwargs)
    Consent.objects.create(beneficiary=beneficiary, purpose=Consent.Purpose.SURVEYS, given_at=timezone.now())
    return beneficiary


def make_survey(
    *, anonymous=False, publish=True, kinds=("rating", "score", "single", "multiple", "text"), required=True, actor=None
) -> Survey:
    actor = actor or UserFactory(is_superuser=True)
    survey = services.survey_create(
        code=f"survey-{next(_counter)}",
        name_ar="استبيان الرضا",
        name_en="Satisfaction survey",
        anonymous=anonymous,
        actor=actor,
    )
    version = survey.versions.get()
    for kind in kinds:
        services.question_add(
            version=version,
            kind=kind,
            text_ar=f"سؤال {kind}",
            text_en=f"Question {kind}",
            required=required,
            choices_text="نعم | Yes\nلا | No\nربما | Maybe" if kind in Question.CHOICE_KINDS else "",
            actor=actor,
        )
    if publish:
        services.version_publish(version=version, actor=actor)
    return survey


def inviter():
    """A relations officer: who prints in-person links and sends batches (``surveys.add_invitation``)."""
    return UserFactory(role="relations_officer")


def open_invitation(survey=None, *, support_request=None, beneficiary=None, anonymous=False):
    survey = survey or make_survey(anonymous=anonymous)
    if support_request is None and beneficiary is None:
        support_request = SupportRequestFactory(beneficiary=consenting_beneficiary())
    return services.invitation_in_person(
        survey=survey, support_request=support_request, beneficiary=beneficiary, actor=inviter()
    )


def answers_for(version, *, rating=5, score=10, text="خدمة ممتازة"):
    """Valid answers for every question of ``version`` (question id → value)."""
    result = {}
    for question in version.questions.prefetch_related("choices"):
        choices = list(question.choices.all())
        result[question.pk] = {
            Question.Kind.RATING: rating,
            Question.Kind.SCORE: score,
            Question.Kind.SINGLE: choices[0].pk if choices else None,
            Question.Kind.MULTIPLE: [c.pk for c in choices[:2]],
            Question.Kind.TEXT: text,
        }[question.kind]
    return result


def post_data(version, **kwargs):
    """The same answers as the public form posts them."""
    data = {}
    for question_id, value in answers_for(version, **kwargs).items():
        data[f"q{question_id}"] = [str(v) for v in value] if isinstance(value, list) else str(value)
    return data


def enable_trigger(trigger, survey, *, delay_days=3, enabled=True):
    rule, _created = TriggerRule.objects.update_or_create(
        trigger=trigger, defaults={"enabled": enabled, "delay_days": delay_days, "survey": survey}
    )
    return rule


def riyadh(*args):
    return dt.datetime(*args, tzinfo=dt.timezone(dt.timedelta(hours=3)))
