"""The admin goes around no surveys rule: surveys, versions, questions and improvement actions are written through
the builder and the actions pages (permissions, frozen versions, audit log, status table) and only shown here;
the settings it does edit are checked by the model."""

import datetime as dt

import pytest
from django.urls import reverse

from surveys import services
from surveys.models import ImprovementAction, Survey, SurveySettings, TriggerRule

from .factories import make_survey

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", "root@example.org", "x"))
    return client


def _action(manager):
    return services.improvement_action_create(
        data={"finding": "ملاحظة", "decision": "قرار", "owner": manager, "due_date": dt.date(2026, 12, 1)},
        actor=manager,
    )


def test_surveys_and_their_parts_are_shown_not_written(admin_client, manager):
    survey = make_survey(publish=False)
    version = survey.versions.get()
    question = version.questions.first()
    action = _action(manager)
    for model, obj in (
        ("survey", survey),
        ("surveyversion", version),
        ("question", question),
        ("improvementaction", action),
    ):
        assert admin_client.get(reverse(f"admin:surveys_{model}_add")).status_code == 403, model
        page = admin_client.get(reverse(f"admin:surveys_{model}_change", args=[obj.pk]))
        assert page.status_code == 200 and 'name="_save"' not in page.content.decode(), model
        assert admin_client.post(reverse(f"admin:surveys_{model}_change", args=[obj.pk]), {}).status_code == 403
        assert (
            admin_client.post(reverse(f"admin:surveys_{model}_delete", args=[obj.pk]), {"post": "yes"}).status_code
            == 403
        )
    assert Survey.objects.count() == 1 and ImprovementAction.objects.get().status == "open"


def test_survey_settings_out_of_range_are_refused_next_to_the_field(admin_client):
    url = reverse("admin:surveys_surveysettings_change", args=[SurveySettings.load().pk])
    data = {"valid_days": "0", "reminder_after_days": "3", "low_rating_threshold": "7", "low_score_threshold": "11"}
    page = admin_client.post(url, data)
    assert page.status_code == 200
    errors = page.context["adminform"].form.errors
    assert set(errors) == {"valid_days", "low_rating_threshold", "low_score_threshold"}
    assert SurveySettings.load().valid_days == 14


def test_an_enabled_trigger_names_its_survey(admin_client):
    rule = TriggerRule.objects.create(trigger="decision_made")
    url = reverse("admin:surveys_triggerrule_change", args=[rule.pk])
    page = admin_client.post(
        url, {"trigger": "decision_made", "enabled": "on", "delay_days": "1", "send_channel": "sms"}
    )
    assert page.status_code == 200 and "survey" in page.context["adminform"].form.errors
    rule.refresh_from_db()
    assert not rule.enabled
    survey = make_survey()
    data = {"trigger": "decision_made", "enabled": "on", "delay_days": "1", "send_channel": "sms", "survey": survey.pk}
    assert admin_client.post(url, data).status_code == 302
    rule.refresh_from_db()
    assert rule.enabled and rule.survey == survey
