"""The case lifecycle as a policy: the table of steps and the permission each needs is stated here literally;
every step goes through ``kernel.lifecycle.transition`` and leaves its history row; closing publishes
``case_closed`` once, after the commit."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from association.kernel import events
from channels_log.cases import services
from channels_log.cases.models import Case, CaseEvent
from channels_log.contacts.models import ContactAttachment
from tests.channels_log.factories import channel, make_case, png_upload
from tests.factories import BeneficiaryFactory, UserFactory

pytestmark = pytest.mark.django_db

CHANGE = "channels_log.change_case"


def test_the_case_table_names_the_steps_and_their_permission():
    assert services.TRANSITIONS == {
        "open": {"in_progress": CHANGE, "answered": CHANGE, "closed": CHANGE},
        "in_progress": {"answered": CHANGE, "closed": CHANGE},
        "answered": {"closed": CHANGE, "in_progress": CHANGE},
        "closed": {"in_progress": CHANGE},
    }


def test_each_step_writes_its_history_with_the_old_and_new_status(officer):
    case = make_case(actor=officer)
    services.case_start(case=case, actor=officer)
    services.case_answer(case=case, response="رد", channel=channel("phone"), actor=officer)
    services.case_close(case=case, actor=officer)
    services.case_reopen(case=case, reason="لم يكتمل", actor=officer)
    steps = list(case.events.exclude(new_status="").values_list("action", "old_status", "new_status"))
    assert steps == [
        ("opened", "", "open"),
        ("started", "open", "in_progress"),
        ("answered", "in_progress", "answered"),
        ("closed", "answered", "closed"),
        ("reopened", "closed", "in_progress"),
    ]
    assert Case.objects.get(pk=case.pk).closed_at is None


def test_a_step_outside_the_table_is_refused_and_changes_nothing(officer):
    case = make_case(actor=officer)
    services.case_answer(case=case, response="رد", channel=channel("phone"), actor=officer)
    with pytest.raises(ValidationError):
        services.case_answer(case=case, response="مرة ثانية", channel=channel("phone"), actor=officer)
    assert case.events.filter(action=CaseEvent.Action.ANSWERED).count() == 1


def test_a_user_without_the_permission_is_refused_before_anything_is_checked(officer):
    case = make_case(actor=officer)
    outsider = UserFactory(role="committee_member")
    for step in (
        lambda: services.case_start(case=case, actor=outsider),
        lambda: services.case_close(case=case, actor=outsider),  # would also lack its reason
        lambda: services.case_reopen(case=case, reason="", actor=outsider),
        lambda: services.case_assign(case=case, assignee=officer, actor=outsider),
        lambda: services.case_start(case=case, actor=None),
    ):
        with pytest.raises(PermissionDenied):
            step()
    assert Case.objects.get(pk=case.pk).status == "open"


def test_closing_publishes_case_closed_once_after_the_commit(officer, django_capture_on_commit_callbacks):
    seen = []

    def listener(**ids):
        seen.append(ids)

    events.subscribe("case_closed", listener)
    try:
        case = make_case(kind="suggestion", actor=officer)
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            services.case_close(case=case, note="مكررة", actor=officer)
            with pytest.raises(ValidationError):
                services.case_close(case=case, note="مرة ثانية", actor=officer)
        assert seen == []
        for callback in callbacks:
            callback()
        assert seen == [{"case_id": case.pk}]
    finally:
        events.unsubscribe("case_closed", listener)


def _detail_queries(client, case) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("channels_log:case_detail", args=[case.pk]))
    assert response.status_code == 200
    return len(queries)


def _with_history(officer, *, steps: int, files: int) -> Case:
    beneficiary = BeneficiaryFactory()
    case = make_case(
        kind="complaint",
        actor=officer,
        beneficiary=beneficiary,
        attachments=[png_upload(f"receipt-{n}.png") for n in range(files)],
    )
    for n in range(steps):
        services.case_answer(case=case, response=f"رد {n}", channel=channel("phone"), actor=officer)
        services.case_reopen(case=case, reason=f"سبب {n}", actor=officer)
    return case


def test_the_case_page_runs_the_same_queries_with_one_or_many_steps_and_files(client_for, officer, manager):
    client = client_for(manager)
    few = _with_history(officer, steps=0, files=1)
    many = _with_history(officer, steps=6, files=5)
    assert many.events.count() > few.events.count() + 10
    assert ContactAttachment.objects.filter(contact=many.contact).count() == 5
    _detail_queries(client, few)  # warm the session and the per-request caches alike
    assert _detail_queries(client, many) == _detail_queries(client, few)
    page = client.get(reverse("channels_log:case_detail", args=[many.pk])).content.decode()
    assert "سبب 5" in page and "receipt-4.png" in page
