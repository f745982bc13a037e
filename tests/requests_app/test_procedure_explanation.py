"""Step 3 of the policy's procedure as its own recorded step, apart from the eligibility study:

    «3. في حالة عدم وضوح الإجراءات للمستفيد فعلى الموظف إحالته لمسئول البحث الاجتماعي للإجابة على تساؤلاته
     وإيضاح الجوانب التنظيمية»
    «4. التأكد على صحة البيانات المقدمة من طالب الدعم والتوقيع عليها …»

Where the policy in force names that step (``PolicyVersion.explanation_step``), a request records — before the
declaration (step 4) is signed — either that the procedure was clear to the applicant, or that the officer
referred them to a social researcher (named) who explained it; who recorded it and when. It opens no social
study and moves no status: the request's lifecycle table is untouched."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from requests_app import selectors, services
from requests_app.models import SocialStudy, StatusChange, SupportRequest
from requests_app.transitions import TRANSITIONS
from tests.association.factories import ApprovedPolicyVersionFactory

from .factories import add_document, draft_request, png_data_url

S = SupportRequest.Status
E = SupportRequest.Explanation
pytestmark = pytest.mark.django_db

# The lifecycle, literally: step 3 adds no status and no transition.
LIFECYCLE = {
    S.DRAFT: {S.SUBMITTED, S.INCOMPLETE, S.WITHDRAWN},
    S.INCOMPLETE: {S.SUBMITTED, S.WITHDRAWN},
    S.SUBMITTED: {S.IN_RESEARCH, S.AWAITING_COMMITTEE, S.INCOMPLETE, S.WITHDRAWN},
    S.IN_RESEARCH: {S.AWAITING_COMMITTEE, S.INCOMPLETE, S.WITHDRAWN},
    S.AWAITING_COMMITTEE: {S.APPROVED, S.REJECTED, S.IN_RESEARCH, S.WITHDRAWN},
    S.APPROVED: {S.REGISTERED},
    S.REJECTED: {S.AWAITING_COMMITTEE, S.CLOSED},
    S.REGISTERED: {S.SERVICE_DELIVERED},
    S.SERVICE_DELIVERED: {S.CLOSED},
    S.CLOSED: set(),
    S.WITHDRAWN: set(),
}


def _sign(support_request, officer):
    return services.declaration_sign(support_request=support_request, actor=officer, signature_data=png_data_url())


def _complete_documents(support_request, officer):
    for document_type in support_request.service_type.required_documents.all():
        add_document(support_request.beneficiary, document_type, verified_by=officer)


def test_the_lifecycle_table_is_unchanged_by_the_step():
    assert {status: set(steps) for status, steps in TRANSITIONS.items()} == LIFECYCLE


def test_where_the_policy_names_it_the_declaration_waits_for_the_step(officer, researcher, client_for):
    ApprovedPolicyVersionFactory(explanation_step=True)
    support_request = draft_request(officer)
    _complete_documents(support_request, officer)
    assert str(selectors.EXPLANATION_MISSING) in services.missing_items(support_request)
    with pytest.raises(ValidationError) as refused:
        _sign(support_request, officer)
    assert refused.value.code == "explanation_missing"
    page = client_for(officer).get(support_request.get_absolute_url()).content.decode()
    assert reverse("requests_app:explanation", args=[support_request.pk]) in page

    changes_before = StatusChange.objects.filter(support_request=support_request).count()
    recorded = services.procedure_explanation_record(
        support_request=support_request,
        actor=officer,
        explanation=E.REFERRED,
        researcher=researcher,
        note="شرح مراحل الطلب ومدة البت",
    )
    assert (recorded.explanation, recorded.explanation_researcher, recorded.explanation_recorded_by) == (
        "referred",
        researcher,
        officer,
    )
    assert recorded.explanation_at is not None
    # Its own step: no social study opened, no status moved.
    assert not SocialStudy.objects.filter(support_request=support_request).exists()
    assert StatusChange.objects.filter(support_request=support_request).count() == changes_before
    assert SupportRequest.objects.get(pk=support_request.pk).status == S.DRAFT
    _sign(support_request, officer)
    submitted = services.support_request_submit(support_request=support_request, actor=officer)
    assert submitted.status == S.SUBMITTED
    # Shown on the request page and its timeline, with who and when.
    page = client_for(officer).get(support_request.get_absolute_url()).content.decode()
    assert 'id="explanation"' in page and "أُحيل إلى الباحث الاجتماعي فشرح له الإجراءات" in page
    timeline = selectors.request_detail(
        support_request=selectors.request_with_history(support_request.pk), user=officer
    ).timeline
    entry = next(item for item in timeline if item.kind == "explanation")
    assert entry.body.startswith(researcher.get_full_name() or "") and "شرح مراحل الطلب" in entry.body
    assert entry.at < next(item for item in timeline if item.kind == "declaration").at


def test_a_clear_procedure_is_recorded_too(officer):
    ApprovedPolicyVersionFactory(explanation_step=True)
    support_request = draft_request(officer)
    services.procedure_explanation_record(support_request=support_request, actor=officer, explanation=E.CLEAR)
    declaration = _sign(support_request, officer)
    assert declaration.pk


def test_without_the_step_in_the_policy_nothing_changes(officer):
    ApprovedPolicyVersionFactory(explanation_step=False)
    support_request = draft_request(officer)
    assert _sign(support_request, officer).pk  # straight to the declaration, as before
    assert str(selectors.EXPLANATION_MISSING) not in services.missing_items(support_request)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"explanation": "referred"}, "researcher"),
        ({"explanation": "maybe"}, "explanation"),
    ],
)
def test_bad_input_is_refused_next_to_the_field(officer, client_for, data, field):
    ApprovedPolicyVersionFactory(explanation_step=True)
    support_request = draft_request(officer)
    response = client_for(officer).post(
        reverse("requests_app:explanation", args=[support_request.pk]),
        {f"explanation-{key}": value for key, value in data.items()},
    )
    assert response.status_code == 400
    form = response.context["forms"]["explanation"]
    assert form.errors[field]
    support_request.refresh_from_db()
    assert support_request.explanation == ""


def test_only_the_desk_records_it_once_and_before_the_declaration(officer, researcher, chair):
    ApprovedPolicyVersionFactory(explanation_step=True)
    support_request = draft_request(officer)
    with pytest.raises(PermissionDenied):
        services.procedure_explanation_record(support_request=support_request, actor=chair, explanation=E.CLEAR)
    with pytest.raises(ValidationError) as not_a_researcher:
        services.procedure_explanation_record(
            support_request=support_request, actor=officer, explanation=E.REFERRED, researcher=chair
        )
    assert "researcher" in not_a_researcher.value.message_dict
    services.procedure_explanation_record(support_request=support_request, actor=officer, explanation=E.CLEAR)
    with pytest.raises(ValidationError) as twice:
        services.procedure_explanation_record(support_request=support_request, actor=officer, explanation=E.CLEAR)
    assert twice.value.code == "recorded"
    signed = draft_request(officer)
    services.procedure_explanation_record(support_request=signed, actor=officer, explanation=E.CLEAR)
    other = draft_request(officer)
    ApprovedPolicyVersionFactory(explanation_step=False)
    _sign(other, officer)
    with pytest.raises(ValidationError) as late:
        services.procedure_explanation_record(support_request=other, actor=officer, explanation=E.CLEAR)
    assert late.value.code == "too_late"
