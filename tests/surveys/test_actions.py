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


def _action(owner, **kwargs):
    data = {
        "finding": "الانتظار طويل",
        "kind": "decision",
        "decision": "موظف استقبال إضافي",
        "owner": owner,
        "due_date": dt.date(2026, 12, 1),
        **kwargs,
    }
    return services.improvement_action_create(data=data, actor=owner)


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
                _action(UserFactory(), survey=make_survey(publish=False, kinds=()))
            else:
                make_survey(publish=False, kinds=())

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse(url_name)).status_code == 200
        return len(ctx.captured_queries)

    add(5)
    five = count()
    add(45)
    assert count() == five
