import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from surveys import services
from surveys.models import AuditEntry, ImprovementAction
from tests.factories import UserFactory

from .factories import make_survey

pytestmark = pytest.mark.django_db


def _action(owner, *, actor=None, **kwargs):
    """An action for ``owner``, recorded by ``actor`` (a manager; the owner when not given)."""
    data = {
        "finding": "الانتظار طويل",
        "kind": "decision",
        "decision": "موظف استقبال إضافي",
        "owner": owner,
        "due_date": dt.date(2026, 12, 1),
        **kwargs,
    }
    return services.improvement_action_create(data=data, actor=actor or owner)


def test_record_an_action_from_the_form(client_for, manager):
    survey = make_survey()
    response = client_for(manager).post(
        reverse("surveys:action_new"),
        {
            "survey": survey.pk,
            "finding": "رضا منخفض عن مدة الانتظار",
            "kind": "recommendation",
            "decision": "تقليل مدة الانتظار",
            "owner": manager.pk,
            "due_date": "١٤٤٨-٠٦-٢٠ هـ",
        },
    )
    assert response.status_code == 302
    action = ImprovementAction.objects.get()
    assert (action.survey, action.owner, action.status) == (survey, manager, "open")
    assert action.due_date.year == 2026  # Hijri typed with Arabic-Indic digits
    assert AuditEntry.objects.filter(action="action_created", object_id=action.pk).exists()


def test_missing_fields_show_errors_and_save_nothing(client_for, manager):
    response = client_for(manager).post(reverse("surveys:action_new"), {"finding": "ملاحظة محفوظة"})
    assert response.status_code == 200
    assert response.context["form"].errors["decision"] and "ملاحظة محفوظة" in response.content.decode()
    assert not ImprovementAction.objects.exists()


def test_status_follows_the_transition_table(manager):
    action = _action(manager)
    services.improvement_action_update(action=action, data={}, status="in_progress", actor=manager)
    services.improvement_action_update(action=action, data={}, status="done", actor=manager)
    action.refresh_from_db()
    assert action.status == "done" and action.closed_at is not None
    with pytest.raises(ValidationError):
        services.improvement_action_update(action=action, data={}, status="cancelled", actor=manager)
    assert [(a.old_value, a.new_value) for a in AuditEntry.objects.filter(action="action_status")] == [
        ("open", "in_progress"),
        ("in_progress", "done"),
    ]


def test_status_view_is_post_only_and_refuses_bad_moves(client_for, manager):
    action = _action(
        manager,
    )
    client = client_for(manager)
    url = reverse("surveys:action_status", args=[action.pk])
    assert client.get(url).status_code == 405
    client.post(url, {"status": "done"})
    client.post(url, {"status": "cancelled"})  # done → cancelled is not in the table
    action.refresh_from_db()
    assert action.status == "done"


def test_open_actions_on_the_managers_home(client_for, manager, officer):
    _action(manager, decision="إجراء مفتوح للمدير")
    done = _action(manager, decision="إجراء منجز")
    services.improvement_action_update(action=done, data={}, status="done", actor=manager)
    html = client_for(manager).get(reverse("home")).content.decode()
    assert "إجراء مفتوح للمدير" in html and "إجراء منجز" not in html


def test_home_panel_hidden_without_permission(client_for, researcher, manager):
    _action(manager, decision="إجراء مفتوح للمدير")
    html = client_for(researcher).get(reverse("home")).content.decode()
    assert "إجراء مفتوح للمدير" not in html


@pytest.mark.parametrize("url_name", ["surveys:actions", "surveys:list"])
def test_lists_query_count_does_not_grow(client_for, manager, url_name):
    client = client_for(manager)

    def add(n):
        for _ in range(n):
            if url_name == "surveys:actions":
                _action(UserFactory(), actor=manager, survey=make_survey(publish=False, kinds=()))
            else:
                make_survey(publish=False, kinds=())

    def count():
        client.get(reverse(url_name))  # warm: the cached reads (kernel.memo) a change of rows retires
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse(url_name)).status_code == 200
        return len(ctx.captured_queries)

    add(5)
    five = count()
    add(45)
    assert count() == five


# The lifecycle of an improvement action, written out: (from, to) pairs that are allowed. Every other move is
# refused. Only a holder of surveys.change_improvementaction moves an action.
ALLOWED_MOVES = {
    ("open", "in_progress"),
    ("open", "done"),
    ("open", "cancelled"),
    ("in_progress", "open"),
    ("in_progress", "done"),
    ("in_progress", "cancelled"),
    ("done", "in_progress"),
    ("cancelled", "open"),
}
STATUSES = ["open", "in_progress", "done", "cancelled"]


@pytest.mark.parametrize("old", STATUSES)
@pytest.mark.parametrize("new", STATUSES)
def test_every_status_move_follows_the_written_table(manager, old, new):
    if old == new:
        return
    action = _action(manager)
    ImprovementAction.objects.filter(pk=action.pk).update(status=old)
    if (old, new) in ALLOWED_MOVES:
        services.improvement_action_update(action=action, data={}, status=new, actor=manager)
        action.refresh_from_db()
        assert action.status == new
        assert (action.closed_at is not None) == (new in ("done", "cancelled"))
        entry = AuditEntry.objects.get(action="action_status", object_id=action.pk)
        assert (entry.old_value, entry.new_value, entry.actor) == (old, new, manager)
    else:
        with pytest.raises(ValidationError) as refused:
            services.improvement_action_update(action=action, data={}, status=new, actor=manager)
        assert "status" in refused.value.message_dict
        action.refresh_from_db()
        assert action.status == old
        assert not AuditEntry.objects.filter(action="action_status").exists()


def test_the_action_page_offers_exactly_the_allowed_moves(manager, chair):
    action = _action(manager)
    for old in STATUSES:
        ImprovementAction.objects.filter(pk=action.pk).update(status=old)
        action.refresh_from_db()
        offered = {value for value, _label in services.improvement_action_moves(action, user=manager)}
        assert offered == {new for (start, new) in ALLOWED_MOVES if start == old}, old
        assert services.improvement_action_moves(action, user=chair) == []  # sees actions, moves none


def test_a_status_move_by_someone_without_the_permission_is_refused(manager, chair, client_for):
    from django.core.exceptions import PermissionDenied

    action = _action(manager)
    with pytest.raises(PermissionDenied):
        services.improvement_action_update(action=action, data={}, status="done", actor=chair)
    assert (
        client_for(chair).post(reverse("surveys:action_status", args=[action.pk]), {"status": "done"}).status_code
        == 403
    )
    action.refresh_from_db()
    assert action.status == "open" and not AuditEntry.objects.filter(action="action_status").exists()


def test_an_action_the_model_refuses_saves_nothing_and_keeps_the_text(client_for, manager):
    """The model's rules hold in the service too (``full_clean``), not only in the form."""
    response = client_for(manager).post(
        reverse("surveys:action_new"),
        {
            "finding": "ملاحظة محفوظة",
            "kind": "bogus",
            "decision": "قرار",
            "owner": manager.pk,
            "due_date": "2026-12-01",
        },
    )
    assert response.status_code == 200 and response.context["form"].errors["kind"]
    assert "ملاحظة محفوظة" in response.content.decode()
    with pytest.raises(ValidationError) as refused:
        services.improvement_action_create(
            data={"finding": "", "decision": "قرار", "owner": manager, "due_date": dt.date(2026, 12, 1)}, actor=manager
        )
    assert "finding" in refused.value.message_dict
    assert not ImprovementAction.objects.exists()
