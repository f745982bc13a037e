"""Races that only a real database shows (skipped on SQLite, required in CI)."""

import datetime as dt

import pytest

from association.kernel.roles import Role
from association.policy import services
from association.policy.models import PolicyVersion
from tests.concurrency import run_at_once
from tests.services import require_postgres

from .factories import PolicyVersionFactory


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_approvals_at_once_leave_one_version_approved(manager, make_user):
    require_postgres()
    second_manager = make_user(Role.MANAGER)
    first, second = PolicyVersionFactory(), PolicyVersionFactory()

    def approve(version, actor):
        return lambda: services.policy_approve(
            version=version,
            actor=actor,
            board_meeting=1,
            approval_date=dt.date(2024, 1, 1),
            signatory_name="أ. سعد",
            signatory_title="رئيس مجلس الإدارة",
        )

    results = run_at_once([approve(first, manager), approve(second, second_manager)])
    assert all(isinstance(r, PolicyVersion) for r in results), results
    assert PolicyVersion.objects.filter(status=PolicyVersion.Status.APPROVED).count() == 1
    assert PolicyVersion.objects.filter(status=PolicyVersion.Status.SUPERSEDED).count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_drafts_created_at_once_get_different_numbers(manager):
    require_postgres()

    def create(title):
        return lambda: services.policy_create_draft(
            data={"title": title},
            sections=[{"kind": "preamble", "heading": "تمهيد", "items": ["نص"]}],
            actor=manager,
        )

    results = run_at_once([create("أ"), create("ب"), create("ج")])
    assert all(isinstance(r, PolicyVersion) for r in results), results
    assert sorted(PolicyVersion.objects.values_list("number", flat=True)) == [1, 2, 3]
