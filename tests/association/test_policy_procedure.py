"""The procedure profile: read from the version in force, the defaults before any approval, kept per version,
and the migration that turned «empty window = the default 14» into «empty window = none»."""

import datetime as dt

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from association.policy import services
from association.policy.models import PolicyVersion
from association.policy.procedure import Decider, ProcedureProfile, procedure_in_force

from .factories import PolicyVersionFactory
from .test_policy_services import RIYADH, _approve


@pytest.mark.django_db
def test_no_approved_policy_gives_the_defaults():
    PolicyVersionFactory(individual_decider=Decider.MANAGER, decision_window_days=None)  # a draft rules nothing
    profile = procedure_in_force()
    assert profile == ProcedureProfile(
        version_id=None,
        individual_requests=True,
        program_requests=True,
        volunteer_proposals=True,
        individual_decider="committee",
        individual_decider_name="لجنة البحث",
        decision_window_days=14,
        quorum=None,
        programs_decider="manager",
        programs_decider_name="مدير الجمعية",
        supervising_body="",
    )
    assert profile.uses_committee


@pytest.mark.django_db
def test_the_profile_follows_the_version_in_force_at_each_moment(manager):
    with time_machine.travel(dt.datetime(2025, 3, 1, 10, tzinfo=RIYADH), tick=False):
        committee = PolicyVersionFactory(decision_window_days=14, quorum=3)
        _approve(committee, manager)
    with time_machine.travel(dt.datetime(2025, 6, 1, 10, tzinfo=RIYADH), tick=False):
        body = PolicyVersionFactory(
            individual_decider=Decider.COMPETENT_BODY,
            individual_decider_name="  لجنة الخدمات الاجتماعية بالمحافظة ",
            decision_window_days=None,
            program_requests=False,
            volunteer_proposals=True,
            supervising_body="وزارة الموارد البشرية والتنمية الاجتماعية",
        )
        services.policy_update_draft(version=body, data={}, sections=None, actor=manager)  # trims the names
        _approve(body, manager)
    before = procedure_in_force(dt.datetime(2025, 4, 1, tzinfo=RIYADH))
    assert (before.version_id, before.uses_committee, before.decision_window_days, before.quorum) == (
        committee.pk,
        True,
        14,
        3,
    )
    now = procedure_in_force()
    assert now.version_id == body.pk and not now.uses_committee
    assert now.individual_decider == "competent_body"
    assert now.individual_decider_name == "لجنة الخدمات الاجتماعية بالمحافظة"
    assert now.decision_window_days is None and now.quorum is None
    assert (now.program_requests, now.volunteer_proposals) == (False, True)
    assert now.supervising_body == "وزارة الموارد البشرية والتنمية الاجتماعية"
    assert services.policy_decision_window_days() is None


@pytest.mark.django_db
def test_a_decider_without_a_name_takes_the_usual_one(manager):
    version = PolicyVersionFactory(individual_decider=Decider.MANAGER, programs_decider=Decider.COMPETENT_BODY)
    _approve(version, manager)
    profile = procedure_in_force()
    assert (profile.individual_decider_name, profile.programs_decider_name) == ("مدير الجمعية", "جهة الاختصاص")


@pytest.mark.django_db
def test_a_quorum_belongs_to_a_committee_only(manager):
    draft = PolicyVersionFactory()
    with pytest.raises(ValidationError) as caught:
        services.policy_update_draft(
            version=draft, data={"individual_decider": Decider.MANAGER, "quorum": 2}, sections=None, actor=manager
        )
    assert "quorum" in caught.value.message_dict
    draft.refresh_from_db()
    assert (draft.individual_decider, draft.quorum) == ("committee", None)  # nothing half-saved


@pytest.mark.django_db
def test_a_new_draft_copies_the_profile(manager):
    source = PolicyVersionFactory(
        individual_decider=Decider.MANAGER, decision_window_days=None, program_requests=False, supervising_body="وزارة"
    )
    _approve(source, manager)
    draft = services.policy_new_draft(source=source, actor=manager)
    assert (draft.individual_decider, draft.decision_window_days, draft.program_requests, draft.supervising_body) == (
        "manager",
        None,
        False,
        "وزارة",
    )


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    ContentType.objects.clear_cache()
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_the_window_of_versions_that_left_it_to_the_default():
    old = _migrate([("association", "0008_policy_tool_link_target")])
    OldVersion = old.get_model("association", "PolicyVersion")
    OldVersion.objects.create(number=1, title="قديمة", decision_window_days=None)
    OldVersion.objects.create(number=2, title="واحد وعشرون", decision_window_days=21)
    try:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
        rows = list(PolicyVersion.objects.order_by("number").values_list("decision_window_days", "individual_decider"))
        assert rows == [(14, "committee"), (21, "committee")]
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
