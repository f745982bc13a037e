"""transition: lock, table, permission, full_clean, save, audit row, event after commit."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from association.kernel import events
from association.kernel.lifecycle import transition
from association.kernel.roles import Role
from association.policy.models import PolicyEvent, PolicyVersion
from requests_app.models import StatusChange, SupportRequest
from tests.factories import SupportRequestFactory

S = SupportRequest.Status
TABLE = {
    S.DRAFT: {S.WITHDRAWN: "requests_app.process_supportrequest", S.INCOMPLETE: None},
    S.WITHDRAWN: {},
}


def test_an_allowed_step_saves_and_writes_the_audit_row(make_user):
    officer = make_user(Role.RELATIONS_OFFICER)
    draft = SupportRequestFactory(created_by=officer)
    saved = transition(draft, to=S.WITHDRAWN, actor=officer, table=TABLE, reason="طلب المستفيد", audit=StatusChange)
    assert draft.status == saved.status == S.WITHDRAWN
    assert SupportRequest.objects.get(pk=draft.pk).status == S.WITHDRAWN
    change = StatusChange.objects.get(support_request=draft)
    assert (change.old_status, change.new_status, change.actor, change.reason) == (
        S.DRAFT,
        S.WITHDRAWN,
        officer,
        "طلب المستفيد",
    )


def test_a_step_not_in_the_table_is_refused_and_nothing_changes(make_user):
    officer = make_user(Role.RELATIONS_OFFICER)
    draft = SupportRequestFactory(created_by=officer)
    with pytest.raises(ValidationError) as refused:
        transition(draft, to=S.APPROVED, actor=officer, table=TABLE, audit=StatusChange)
    assert refused.value.code == "invalid_transition"
    assert SupportRequest.objects.get(pk=draft.pk).status == S.DRAFT
    assert not StatusChange.objects.filter(support_request=draft).exists()


def test_the_status_is_re_read_under_the_lock(make_user):
    """A stale object in memory does not pass the table: the row's current status decides."""
    officer = make_user(Role.RELATIONS_OFFICER)
    draft = SupportRequestFactory(created_by=officer)
    SupportRequest.objects.filter(pk=draft.pk).update(status=S.WITHDRAWN)  # a colleague's step
    with pytest.raises(ValidationError):
        transition(draft, to=S.WITHDRAWN, actor=officer, table=TABLE, audit=StatusChange)
    assert not StatusChange.objects.exists()


def test_the_permission_the_table_names_is_checked(make_user):
    member = make_user(Role.COMMITTEE_MEMBER)
    draft = SupportRequestFactory(created_by=make_user(Role.RELATIONS_OFFICER))
    with pytest.raises(PermissionDenied):
        transition(draft, to=S.WITHDRAWN, actor=member, table=TABLE, audit=StatusChange)
    assert SupportRequest.objects.get(pk=draft.pk).status == S.DRAFT
    assert not StatusChange.objects.exists()


def test_a_step_without_permission_is_the_system_s(make_user):
    draft = SupportRequestFactory(created_by=make_user(Role.RELATIONS_OFFICER))
    transition(draft, to=S.INCOMPLETE, actor=None, table=TABLE, audit=StatusChange)
    assert StatusChange.objects.get(support_request=draft).actor is None


def test_full_clean_runs_before_saving(make_user):
    officer = make_user(Role.RELATIONS_OFFICER)
    draft = SupportRequestFactory(created_by=officer)
    with pytest.raises(ValidationError) as refused:
        transition(draft, to=S.WITHDRAWN, actor=officer, table=TABLE, audit=StatusChange, description="")
    assert "description" in refused.value.message_dict
    assert SupportRequest.objects.get(pk=draft.pk).status == S.DRAFT


def test_the_event_is_published_once_after_commit(make_user, django_capture_on_commit_callbacks):
    officer = make_user(Role.RELATIONS_OFFICER)
    draft = SupportRequestFactory(created_by=officer)
    calls = []

    def handler(**ids):
        calls.append(ids)

    events.subscribe("test_request_withdrawn", handler)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            transition(
                draft, to=S.WITHDRAWN, actor=officer, table=TABLE, audit=StatusChange, event="test_request_withdrawn"
            )
            assert calls == []
    finally:
        events.unsubscribe("test_request_withdrawn", handler)
    assert calls == [{"supportrequest_id": draft.pk}]


def test_a_callable_audit_and_a_set_table(make_user):
    manager = make_user(Role.MANAGER)
    version = PolicyVersion.objects.create(number=1, title="سياسة")

    def audit(*, obj, old, new, actor, reason, at):
        return PolicyEvent.objects.create(
            version=obj, action=PolicyEvent.Action.SUPERSEDED, old_status=old, new_status=new, actor=actor, at=at
        )

    table = {PolicyVersion.Status.DRAFT: {PolicyVersion.Status.SUPERSEDED}}
    transition(version, to=PolicyVersion.Status.SUPERSEDED, actor=manager, table=table, audit=audit)
    event = PolicyEvent.objects.get(version=version)
    assert (event.old_status, event.new_status, event.actor) == ("draft", "superseded", manager)
