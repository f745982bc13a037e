"""Referral, the researcher's assessment, income per person and the versioned eligibility score."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from requests_app import services
from requests_app.models import EligibilityRule, EligibilityRuleSet, SupportRequest

from .factories import last_change, open_study, submitted_request

S = SupportRequest.Status
C = EligibilityRule.Criterion


def _rules(service_type, version, rules):
    rule_set = EligibilityRuleSet.objects.create(service_type=service_type, version=version)
    for criterion, threshold, points in rules:
        EligibilityRule.objects.create(rule_set=rule_set, criterion=criterion, threshold=threshold, points=points)
    return rule_set


def test_referral_assigns_the_researcher_with_the_reason(officer, researcher):
    support_request = submitted_request(officer)
    study = open_study(support_request, officer, researcher)
    support_request.refresh_from_db()
    assert support_request.status == S.IN_RESEARCH and support_request.researcher == researcher
    assert study.referral_reason == "حالة غير واضحة"
    assert last_change(support_request).reason == "حالة غير واضحة"


def test_referral_to_someone_not_a_researcher_is_refused(officer, member):
    support_request = submitted_request(officer)
    with pytest.raises(ValidationError) as info:
        open_study(support_request, officer, member)
    assert "researcher" in info.value.message_dict
    support_request.refresh_from_db()
    assert support_request.status == S.SUBMITTED


def test_score_and_income_per_person_use_the_rules_in_force_and_keep_their_version(officer, researcher):
    support_request = submitted_request(officer)
    v1 = _rules(support_request.service_type, 1, [(C.INCOME_PER_PERSON_AT_MOST, 1000, 50), (C.HOUSING_RENTED, 0, 30)])
    study = open_study(support_request, officer, researcher)
    study = services.study_record(
        study=study,
        actor=researcher,
        data={"monthly_income": Decimal("2500"), "household_size": 3, "housing": "rented", "monthly_expenses": 2400},
    )
    assert study.income_per_person == Decimal("833.33")
    assert study.score == 80 and study.rule_set == v1
    # A new version comes into force; the recorded study keeps the one it was scored with.
    v1.is_active = False
    v1.save()
    _rules(support_request.service_type, 2, [(C.INCOME_PER_PERSON_AT_MOST, 500, 10)])
    study.refresh_from_db()
    assert study.rule_set == v1 and study.score == 80


def test_a_rule_that_does_not_hold_adds_nothing(officer, researcher):
    support_request = submitted_request(officer)
    _rules(
        support_request.service_type, 1, [(C.INCOME_PER_PERSON_AT_MOST, 500, 50), (C.HOUSEHOLD_SIZE_AT_LEAST, 5, 20)]
    )
    study = services.study_record(
        study=open_study(support_request, officer, researcher),
        actor=researcher,
        data={"monthly_income": 6000, "household_size": 6},
    )
    assert study.income_per_person == Decimal("1000.00") and study.score == 20


def test_only_the_assigned_researcher_records_and_recommends(officer, researcher, make_user):
    from association.kernel.roles import Role

    other = make_user(Role.SOCIAL_RESEARCHER)
    study = open_study(submitted_request(officer), officer, researcher)
    with pytest.raises(PermissionDenied):
        services.study_record(study=study, actor=other, data={"household_size": 2})


def test_recommendation_needs_the_assessment_and_reasons_then_goes_to_the_committee(officer, researcher):
    study = open_study(submitted_request(officer), officer, researcher)
    with pytest.raises(ValidationError):
        services.study_recommend(study=study, actor=researcher, recommendation="approve", reasons="مستحق")
    services.study_record(study=study, actor=researcher, data={"monthly_income": 1000, "household_size": 2})
    with pytest.raises(ValidationError):
        services.study_recommend(study=study, actor=researcher, recommendation="approve", reasons=" ")
    services.study_recommend(study=study, actor=researcher, recommendation="approve", reasons="دخل منخفض")
    study.refresh_from_db()
    assert study.recommendation == "approve" and study.recommended_at is not None
    change = last_change(study.support_request)
    assert (change.new_status, change.actor) == (S.AWAITING_COMMITTEE, researcher)
    with pytest.raises(ValidationError):
        services.study_record(study=study, actor=researcher, data={"household_size": 9})


def test_only_the_assigned_researcher_returns_a_case_as_incomplete(officer, researcher, make_user):
    from association.kernel.roles import Role

    support_request = submitted_request(officer)
    open_study(support_request, officer, researcher)
    with pytest.raises(PermissionDenied):
        services.support_request_return_incomplete(
            support_request=support_request, actor=make_user(Role.SOCIAL_RESEARCHER), note="صك الإعالة"
        )
    services.support_request_return_incomplete(support_request=support_request, actor=researcher, note="صك الإعالة")
    support_request.refresh_from_db()
    assert support_request.status == S.INCOMPLETE and support_request.missing_items == ["صك الإعالة"]
