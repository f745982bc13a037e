"""Every surveys service a person calls checks who they are (``authorize``: permission codenames,
``PermissionDenied``) before it writes anything; the public answer needs no one (the token is the key)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from association.kernel.roles import Role
from surveys import services
from surveys.models import AuditEntry, ImprovementAction, Invitation, Question, Survey, SurveyVersion
from tests.factories import SupportRequestFactory, UserFactory

from .factories import answers_for, consenting_beneficiary, make_survey, open_invitation

pytestmark = pytest.mark.django_db


def _draft():
    return make_survey(publish=False).versions.get()


def _action():
    manager = UserFactory(role=Role.MANAGER)
    return services.improvement_action_create(
        data={"finding": "ملاحظة", "decision": "قرار", "owner": manager, "due_date": dt.date(2026, 12, 1)},
        actor=manager,
    )


def _manager():
    return UserFactory(role=Role.MANAGER)


# service: (the permission it needs, what it works on, how to call it for ``actor``)
CALLS = {
    "survey_create": (
        "surveys.add_survey",
        lambda: None,
        lambda actor, _: services.survey_create(code="new-survey", name_ar="استبيان", actor=actor),
    ),
    "version_update": (
        "surveys.change_survey",
        _draft,
        lambda actor, version: services.version_update(version=version, title_ar="عنوان جديد", actor=actor),
    ),
    "question_add": (
        "surveys.change_survey",
        _draft,
        lambda actor, version: services.question_add(version=version, kind="text", text_ar="سؤال", actor=actor),
    ),
    "question_move": (
        "surveys.change_survey",
        _draft,
        lambda actor, version: services.question_move(question=version.questions.last(), direction="up", actor=actor),
    ),
    "question_delete": (
        "surveys.change_survey",
        _draft,
        lambda actor, version: services.question_delete(question=version.questions.first(), actor=actor),
    ),
    "version_publish": (
        "surveys.change_survey",
        _draft,
        lambda actor, version: services.version_publish(version=version, actor=actor),
    ),
    "version_new_draft": (
        "surveys.change_survey",
        make_survey,
        lambda actor, survey: services.version_new_draft(survey=survey, actor=actor),
    ),
    "invitations_batch": (
        "surveys.add_invitation",
        lambda: (make_survey(), consenting_beneficiary()),
        lambda actor, made: services.invitations_batch(
            survey=made[0], beneficiaries=[made[1]], send_channel="sms", actor=actor
        ),
    ),
    "invitation_in_person": (
        "surveys.add_invitation",
        lambda: (make_survey(), SupportRequestFactory(beneficiary=consenting_beneficiary())),
        lambda actor, made: services.invitation_in_person(survey=made[0], support_request=made[1], actor=actor),
    ),
    "improvement_action_create": (
        "surveys.add_improvementaction",
        _manager,
        lambda actor, owner: services.improvement_action_create(
            data={"finding": "ملاحظة", "decision": "قرار", "owner": owner, "due_date": dt.date(2026, 12, 1)},
            actor=actor,
        ),
    ),
    "improvement_action_update": (
        "surveys.change_improvementaction",
        _action,
        lambda actor, action: services.improvement_action_update(
            action=action, data={"decision": "قرار آخر"}, actor=actor
        ),
    ),
    "improvement_action_status": (
        "surveys.change_improvementaction",
        _action,
        lambda actor, action: services.improvement_action_update(action=action, data={}, status="done", actor=actor),
    ),
}

# Who holds the permission in the role table, and a role that does not.
HOLDERS = {
    "surveys.add_survey": (Role.MANAGER, Role.RELATIONS_OFFICER),
    "surveys.change_survey": (Role.MANAGER, Role.RELATIONS_OFFICER),
    "surveys.add_invitation": (Role.RELATIONS_OFFICER, Role.COMMITTEE_CHAIR),
    "surveys.add_improvementaction": (Role.MANAGER, Role.COMMITTEE_CHAIR),
    "surveys.change_improvementaction": (Role.MANAGER, Role.COMMITTEE_CHAIR),
}


def _snapshot():
    """What any of the services could have written."""
    return (
        list(Survey.objects.values_list("pk", "name_ar")),
        list(SurveyVersion.objects.values_list("pk", "status", "title_ar")),
        list(Question.objects.values_list("pk", "order")),
        list(Invitation.objects.values_list("pk", flat=True)),
        list(ImprovementAction.objects.values_list("pk", "status", "decision")),
        AuditEntry.objects.count(),
    )


@pytest.mark.parametrize("name", CALLS)
@pytest.mark.parametrize("who", ["without the permission", "nobody", "inactive holder"])
def test_a_service_refuses_an_actor_without_its_permission_and_writes_nothing(name, who):
    perm, setup, call = CALLS[name]
    holder, other = HOLDERS[perm]
    actor = {
        "without the permission": lambda: UserFactory(role=other),
        "nobody": lambda: None,
        "inactive holder": lambda: UserFactory(role=holder, is_active=False),
    }[who]()
    made = setup()
    before = _snapshot()

    with pytest.raises(PermissionDenied):
        call(actor, made)

    assert _snapshot() == before


@pytest.mark.parametrize("name", CALLS)
def test_a_service_accepts_the_role_that_holds_its_permission(name):
    perm, setup, call = CALLS[name]
    holder, _other = HOLDERS[perm]
    made = setup()
    before = _snapshot()

    call(UserFactory(role=holder), made)

    assert _snapshot() != before


def test_refused_calls_write_no_audit_row():
    manager = UserFactory(role=Role.MANAGER)
    version = make_survey(publish=False, actor=manager).versions.get()
    officer = UserFactory(role=Role.RELATIONS_OFFICER)
    rows = AuditEntry.objects.count()
    for attempt in (
        lambda: services.version_publish(version=version, actor=officer),
        lambda: services.question_add(version=version, kind="text", text_ar="س", actor=officer),
        lambda: services.version_update(version=version, title_ar="غيره", actor=officer),
    ):
        with pytest.raises(PermissionDenied):
            attempt()
    version.refresh_from_db()
    assert AuditEntry.objects.count() == rows
    assert (version.status, version.title_ar) == ("draft", "استبيان الرضا")


def test_the_public_answer_needs_no_actor_the_token_is_the_key(client):
    invitation = open_invitation()
    services.response_submit(token=invitation.token, answers=answers_for(invitation.version))
    assert Invitation.objects.get(pk=invitation.pk).used_at is not None


def test_a_view_answers_403_when_the_service_refuses(client_for):
    """The builder's pages check the permission first; a forged post from a role without it gets 403."""
    version = _draft()
    officer = UserFactory(role=Role.RELATIONS_OFFICER)
    response = client_for(officer).post(reverse("surveys:version_publish", args=[version.pk]))
    assert response.status_code == 403
    version.refresh_from_db()
    assert version.status == "draft"
