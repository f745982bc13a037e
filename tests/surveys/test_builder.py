import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from surveys import services
from surveys.models import AuditEntry, Question, Response, SurveyVersion

from .factories import answers_for, make_survey, open_invitation

pytestmark = pytest.mark.django_db


def test_publishing_freezes_the_version(manager):
    survey = make_survey(actor=manager)
    version = survey.versions.get()
    assert version.status == SurveyVersion.Status.PUBLISHED
    with pytest.raises(ValidationError):
        services.question_add(version=version, kind="rating", text_ar="جديد", actor=manager)
    with pytest.raises(ValidationError):
        services.question_delete(question=version.questions.first(), actor=manager)
    assert version.questions.count() == 5
    assert AuditEntry.objects.filter(action="version_published", object_id=version.pk, new_value="published").exists()


def test_editing_a_published_survey_creates_a_new_draft_and_answers_stay_on_their_version(manager):
    survey = make_survey(actor=manager)
    v1 = survey.versions.get()
    invitation = open_invitation(survey)
    draft = services.version_new_draft(survey=survey, actor=manager)
    assert (draft.number, draft.status) == (2, SurveyVersion.Status.DRAFT)
    assert [q.text_ar for q in draft.questions.all()] == [q.text_ar for q in v1.questions.all()]
    assert services.version_new_draft(survey=survey, actor=manager) == draft  # one draft at a time
    services.question_add(version=draft, kind="text", text_ar="سؤال إضافي", required=False, actor=manager)
    services.version_publish(version=draft, actor=manager)
    v1.refresh_from_db()
    assert v1.status == SurveyVersion.Status.RETIRED
    assert survey.published_version() == draft
    # The invitation sent before the change is answered on v1, exactly as it was.
    response = services.response_submit(token=invitation.token, answers=answers_for(v1))
    assert response.version == v1
    assert set(response.answers.values_list("question__version", flat=True)) == {v1.pk}


def test_choice_question_needs_two_choices(manager):
    survey = make_survey(publish=False, kinds=(), actor=manager)
    with pytest.raises(ValidationError) as exc:
        services.question_add(
            version=survey.versions.get(), kind="single", text_ar="اختر", choices_text="واحد", actor=manager
        )
    assert "choices_text" in exc.value.message_dict


def test_publishing_an_empty_survey_is_refused(manager):
    survey = make_survey(publish=False, kinds=(), actor=manager)
    with pytest.raises(ValidationError):
        services.version_publish(version=survey.versions.get(), actor=manager)
    assert survey.versions.get().status == SurveyVersion.Status.DRAFT


def test_reorder_questions(manager):
    survey = make_survey(publish=False, kinds=("rating", "score", "text"), actor=manager)
    version = survey.versions.get()
    first, second, third = version.questions.all()
    services.question_move(question=third, direction="up", actor=manager)
    assert [q.pk for q in version.questions.all()] == [first.pk, third.pk, second.pk]
    services.question_move(question=first, direction="up", actor=manager)  # already first: nothing moves
    assert [q.pk for q in version.questions.all()] == [first.pk, third.pk, second.pk]


def test_builder_views_create_add_move_publish(client_for, manager):
    client = client_for(manager)
    response = client.post(reverse("surveys:new"), {"code": "after-visit", "name_ar": "بعد الزيارة", "name_en": ""})
    version = SurveyVersion.objects.get(survey__code="after-visit")
    assert response.status_code == 302 and response["Location"] == version.get_absolute_url()
    add = reverse("surveys:question_add", args=[version.pk])
    client.post(add, {"kind": "rating", "text_ar": "ما مدى رضاك؟", "text_en": "How satisfied?", "required": "on"})
    client.post(add, {"kind": "multiple", "text_ar": "ما أعجبك؟", "choices_text": "السرعة | Speed\nاللطف | Courtesy"})
    first, second = version.questions.all()
    assert [c.text_en for c in second.choices.all()] == ["Speed", "Courtesy"]
    client.post(reverse("surveys:question_move", args=[second.pk]), {"direction": "up"})
    assert list(version.questions.all()) == [second, first]
    client.post(reverse("surveys:version_publish", args=[version.pk]))
    version.refresh_from_db()
    assert version.status == SurveyVersion.Status.PUBLISHED


def test_bad_question_keeps_the_typed_data_and_shows_the_error(client_for, manager):
    version = make_survey(publish=False, kinds=(), actor=manager).versions.get()
    response = client_for(manager).post(
        reverse("surveys:question_add", args=[version.pk]),
        {"kind": "single", "text_ar": "اختر واحدًا", "choices_text": "فقط"},
    )
    assert response.status_code == 400
    assert "اختر واحدًا" in response.content.decode()
    assert response.context["question_form"].errors["choices_text"]
    assert not Question.objects.filter(version=version).exists()


def test_publish_is_post_only_and_forbidden_to_officers(client_for, officer, manager):
    version = make_survey(publish=False, actor=manager).versions.get()
    url = reverse("surveys:version_publish", args=[version.pk])
    assert client_for(manager).get(url).status_code == 405
    assert client_for(officer).post(url).status_code == 403
    version.refresh_from_db()
    assert version.status == SurveyVersion.Status.DRAFT
    assert not Response.objects.exists()
