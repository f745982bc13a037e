"""The lifecycle, stated as the policy states it: the table below is written out by hand (statuses, the
statuses each may go to, and who may take each step), not computed from ``TRANSITIONS``. Every step is taken
through its service by every role: allowed exactly for the roles the table names (and superusers), refused
with ``PermissionDenied`` for the others — and each allowed step leaves its status-change row."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from association.kernel.roles import Role
from requests_app import services
from requests_app.models import CommitteeVote, Delivery, SocialStudy, StatusChange, SupportRequest

from .factories import add_document, draft_request, force_status, last_change, make_complete, set_quorum

S = SupportRequest.Status
ACTORS = ["officer", "researcher", "member", "chair", "manager", "outsider", "superuser"]

# status -> {next status: the actors who may take the step} (superusers may take every step in the table).
LIFECYCLE = {
    "draft": {"submitted": {"officer"}, "incomplete": {"officer"}, "withdrawn": {"officer"}},
    "incomplete": {"submitted": {"officer"}, "withdrawn": {"officer"}},
    "submitted": {
        "in_research": {"officer", "chair"},
        "awaiting_committee": {"officer"},
        "incomplete": {"officer"},
        "withdrawn": {"officer"},
    },
    "in_research": {"awaiting_committee": {"researcher"}, "incomplete": {"researcher"}, "withdrawn": {"officer"}},
    "awaiting_committee": {
        "approved": {"chair"},
        "rejected": {"chair"},
        "in_research": {"chair"},
        "withdrawn": {"officer"},
    },
    "approved": {"registered": {"officer"}},
    "rejected": {"awaiting_committee": {"officer"}, "closed": {"officer", "manager"}},
    "registered": {"service_delivered": {"officer"}},
    "service_delivered": {"closed": {"officer", "manager"}},
    "closed": {},
    "withdrawn": {},
}
EDGES = [(old, new) for old, targets in LIFECYCLE.items() for new in targets]


def test_the_lifecycle_is_the_policys_table():
    assert set(LIFECYCLE) == set(S.values)
    assert {old: set(targets) for old, targets in services.TRANSITIONS.items()} == {
        old: set(targets) for old, targets in LIFECYCLE.items()
    }


@pytest.mark.parametrize("actor_name", ACTORS)
def test_who_may_take_each_step(actor_name, request, db):
    actor = request.getfixturevalue(actor_name)
    may = {(old, new) for old, new in EDGES if services.can_transition(actor, old, new)}
    expected = {(old, new) for old, new in EDGES if actor_name == "superuser" or actor_name in LIFECYCLE[old][new]}
    assert may == expected


def _perform(old, new, support_request, actor, ctx):
    """Prepare what the step needs, then take it through its service."""
    researcher = ctx["researcher"]
    if new == S.SUBMITTED:
        return services.support_request_submit(support_request=support_request, actor=actor)
    if new == S.INCOMPLETE:
        return services.support_request_return_incomplete(support_request=support_request, actor=actor, note="ينقص")
    if new == S.WITHDRAWN:
        return services.support_request_withdraw(support_request=support_request, actor=actor, reason="بطلبه")
    if new == S.IN_RESEARCH:
        return services.research_refer(
            support_request=support_request, actor=actor, researcher=researcher, reason="غير واضح"
        )
    if (old, new) == (S.SUBMITTED, S.AWAITING_COMMITTEE):
        return services.support_request_send_to_committee(support_request=support_request, actor=actor)
    if (old, new) == (S.IN_RESEARCH, S.AWAITING_COMMITTEE):
        study = support_request.studies.get()
        services.study_record(study=study, actor=study.researcher, data={"monthly_income": 3000, "household_size": 3})
        return services.study_recommend(study=study, actor=actor, recommendation="approve", reasons="مستحق")
    if (old, new) == (S.REJECTED, S.AWAITING_COMMITTEE):
        return services.support_request_appeal(
            support_request=support_request, actor=actor, appeal_text="أرجو إعادة النظر"
        )
    if new in (S.APPROVED, S.REJECTED):
        set_quorum(1)
        CommitteeVote.objects.create(
            support_request=support_request, member=ctx["member"], vote="approve", at=timezone.now()
        )
        return services.committee_decide(
            support_request=support_request,
            actor=actor,
            outcome=new,
            reasons="بعد الدراسة",
            grant={"grant_kind": "cash", "grant_amount": 1000},
        )
    if new == S.REGISTERED:
        return services.support_request_register(support_request=support_request, actor=actor)
    if new == S.SERVICE_DELIVERED:
        return services.delivery_record(
            support_request=support_request,
            actor=actor,
            delivered_on=timezone.localdate(),
            what="سلة غذائية",
            quantity=1,
            receipt_confirmed=True,
        )
    if new == S.CLOSED:
        return services.support_request_close(support_request=support_request, actor=actor)
    raise AssertionError(f"no service for {old} -> {new}")


def _setup(old, new, ctx, actor):
    officer = ctx["officer"]
    support_request = draft_request(officer)
    if new == S.SUBMITTED:
        make_complete(support_request, officer)
    else:
        # One document missing, so returning as incomplete has something to list.
        add_document(support_request.beneficiary, support_request.service_type.required_documents.first())
    if old != S.DRAFT:
        force_status(support_request, old)
    if old == S.IN_RESEARCH:
        # The study belongs to the actor when the actor is a researcher, so the role is what is tested.
        owner = actor if actor.groups.filter(name=Role.SOCIAL_RESEARCHER).exists() else ctx["researcher"]
        SocialStudy.objects.create(
            support_request=support_request,
            researcher=owner,
            referred_by=officer,
            referral_reason="غير واضح",
            referred_at=timezone.now(),
        )
        SupportRequest.objects.filter(pk=support_request.pk).update(researcher=owner)
    if old == S.SERVICE_DELIVERED:
        Delivery.objects.create(
            support_request=support_request,
            delivered_on=timezone.localdate(),
            what="سلة",
            quantity=1,
            delivered_by=officer,
            receipt_confirmed=True,
            recorded_at=timezone.now(),
        )
    support_request.refresh_from_db()
    return support_request


@pytest.mark.parametrize("actor_name", ACTORS)
@pytest.mark.parametrize(("old", "new"), EDGES, ids=[f"{o}->{n}" for o, n in EDGES])
def test_transition_per_role(old, new, actor_name, request, make_user):
    ctx = {
        "officer": make_user(Role.RELATIONS_OFFICER),
        "researcher": make_user(Role.SOCIAL_RESEARCHER),
        "member": make_user(Role.COMMITTEE_MEMBER),
    }
    actor = request.getfixturevalue(actor_name)
    support_request = _setup(old, new, ctx, actor)
    before = StatusChange.objects.filter(support_request=support_request).count()

    if actor_name == "superuser" or actor_name in LIFECYCLE[old][new]:
        _perform(old, new, support_request, actor, ctx)
        support_request.refresh_from_db()
        assert support_request.status == new
        change = last_change(support_request)
        assert (change.old_status, change.new_status, change.actor) == (old, new, actor)
        assert StatusChange.objects.filter(support_request=support_request).count() == before + 1
    else:
        with pytest.raises(PermissionDenied):
            _perform(old, new, support_request, actor, ctx)
        support_request.refresh_from_db()
        assert support_request.status == old
        assert StatusChange.objects.filter(support_request=support_request).count() == before


@pytest.mark.parametrize("old", [S.CLOSED, S.WITHDRAWN, S.APPROVED])
def test_a_step_not_in_the_table_is_refused_even_for_a_superuser(old, officer, superuser):
    support_request = force_status(draft_request(officer), old)
    with pytest.raises(ValidationError) as info:
        services.support_request_withdraw(support_request=support_request, actor=superuser, reason="x")
    assert info.value.code == "invalid_transition"
    support_request.refresh_from_db()
    assert support_request.status == old
