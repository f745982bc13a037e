from dataclasses import fields, replace
from functools import partial

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from association.branches import branch_pk_of
from association.kernel.actions import ActionMenu
from association.kernel.errors import apply_to_form
from association.kernel.form_tokens import once_per_form
from association.kernel.http import no_store, posted_form
from association.kernel.pagination import keyset_paginate, paginate
from association.kernel.pdf import document_kinds
from association.kernel.permissions import staff_view
from beneficiaries.models import Beneficiary, DocumentType

from . import selectors, services
from .forms import (
    AppealForm,
    DecideForm,
    DeclarationForm,
    DeliveryForm,
    DraftRequestForm,
    ExplanationForm,
    MissingDocumentForm,
    NoteForm,
    OptionalReasonForm,
    ReasonForm,
    RecommendForm,
    ReferForm,
    RequestFilterForm,
    StudyForm,
    VoteForm,
)
from .models import ServiceType, SocialStudy, SupportRequest

VIEW = "requests_app.view_supportrequest"
PROCESS = "requests_app.process_supportrequest"
WITNESS = "requests_app.witness_declaration"
S = SupportRequest.Status


def _get_request(pk) -> SupportRequest:
    return get_object_or_404(
        SupportRequest.objects.select_related(
            "beneficiary", "service_type", "channel", "created_by", "researcher", "branch"
        ),
        pk=pk,
    )


@staff_view(VIEW, "requests_app.add_supportrequest")
@once_per_form
def request_new(request, public_id):
    """Start a request draft for a beneficiary, with the chosen service's document checklist."""
    beneficiary = get_object_or_404(Beneficiary, public_id=public_id)
    form = DraftRequestForm(request.POST or None, initial={"branch": branch_pk_of(request.user)})
    if request.method == "POST" and form.is_valid():
        try:
            support_request = services.support_request_create_draft(
                beneficiary=beneficiary, actor=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_to_form(form, exc)
        else:
            messages.success(request, _("The request draft is opened."))
            return redirect(support_request)
    service_types = ServiceType.objects.filter(is_active=True).prefetch_related("required_documents")
    checklists = [
        (st, selectors.required_documents_checklist(beneficiary=beneficiary, service_type=st)) for st in service_types
    ]
    return render(
        request, "requests_app/request_new.html", {"form": form, "beneficiary": beneficiary, "checklists": checklists}
    )


# ---- the request page -----------------------------------------------------------------------------------


# The form of each action, by its code; built only for the actions the user is offered.
ACTION_FORMS = {
    "explanation": lambda sr, ctx: ExplanationForm(prefix="explanation"),
    "return": lambda sr, ctx: NoteForm(prefix="return"),
    "withdraw": lambda sr, ctx: ReasonForm(prefix="withdraw"),
    "refer": lambda sr, ctx: ReferForm(prefix="refer", branch=sr.branch),
    "to_committee": lambda sr, ctx: OptionalReasonForm(prefix="to_committee"),
    "study": lambda sr, ctx: StudyForm(instance=ctx["study"], prefix="study"),
    "recommend": lambda sr, ctx: RecommendForm(prefix="recommend"),
    "vote": lambda sr, ctx: VoteForm(prefix="vote", initial={"vote": ctx["my_vote"].vote if ctx["my_vote"] else None}),
    "decide": lambda sr, ctx: DecideForm(prefix="decide"),
    "appeal": lambda sr, ctx: AppealForm(prefix="appeal"),
    "delivery": lambda sr, ctx: DeliveryForm(prefix="delivery", initial={"delivered_on": timezone.localdate()}),
    "close": lambda sr, ctx: OptionalReasonForm(prefix="close"),
}


def _render_detail(request, pk, status=200, document_forms=None, **bound_forms):
    """The request page, as ``selectors.request_detail`` reads it for this user (what they may do included);
    each action's form is a fresh one, or the bound one that was just refused (its errors next to its fields,
    the typed data kept)."""
    try:
        support_request = selectors.request_with_history(pk)
    except SupportRequest.DoesNotExist:
        raise Http404 from None
    detail = selectors.request_detail(support_request=support_request, user=request.user)
    context = {"study": detail.study, "my_vote": detail.my_vote}
    forms = {
        action.code: bound_forms.get(action.code) or ACTION_FORMS[action.code](support_request, context)
        for action in detail.actions
        if action.code in ACTION_FORMS
    }
    for code, form in bound_forms.items():
        # Refused, and meanwhile no longer offered (someone else moved the request on): say why anyway.
        if code not in forms and form is not None:
            for errors in form.errors.values():
                for message in errors:
                    messages.error(request, message)
    document_forms = document_forms or {}
    context = {
        **{field.name: getattr(detail, field.name) for field in fields(detail)},
        "missing": [
            replace(item, form=document_forms.get(item.document_type.pk) or MissingDocumentForm(item.document_type))
            if item.document_type is not None
            else item
            for item in detail.missing
        ],
        "actions": ActionMenu.of(detail.actions, forms),
        "forms": forms,
    }
    return render(request, "requests_app/request_detail.html", context, status=status)


@staff_view(VIEW)
def request_detail(request, pk):
    return _render_detail(request, pk)


def _refused_step(request, support_request, target) -> bool:
    """Ask the lifecycle before reading the form: a step the table does not have from the request's status is
    a message on the request page (``True``); one the user may not take is ``PermissionDenied`` (403)."""
    if target is None:
        return False
    try:
        services.check_step(support_request, actor=request.user, to=target)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return True
    return False


def _step(request, pk, *, form_class, form_key, target, call, success):
    """The shape of every action: ask the lifecycle, validate, call the service, redirect; on a refusal
    re-render the page with the error next to the field and the typed data kept."""
    support_request = _get_request(pk)
    if _refused_step(request, support_request, target):
        return redirect(support_request)
    if form_class is None:
        try:
            call(support_request, {})
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, success)
        return redirect(support_request)
    return posted_form(
        request,
        form_class(request.POST, request.FILES, prefix=form_key),
        lambda data: call(support_request, data),
        done=success,
        target=support_request.get_absolute_url(),
        invalid=lambda form: _render_detail(request, support_request.pk, status=400, **{form_key: form}),
    )


@require_POST
@staff_view(VIEW, PROCESS)
def request_submit(request, pk):
    support_request = _get_request(pk)
    if _refused_step(request, support_request, S.SUBMITTED):
        return redirect(support_request)
    try:
        services.support_request_submit(support_request=support_request, actor=request.user)
    except ValidationError as exc:
        messages.error(request, _("The request is not complete:"))
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The request is submitted. Print the acknowledgment receipt for the applicant."))
    return redirect(support_request)


@require_POST
@staff_view(VIEW, WITNESS)
def request_explanation(request, pk):
    return _step(
        request,
        pk,
        form_class=ExplanationForm,
        form_key="explanation",
        target=None,
        call=lambda sr, data: services.procedure_explanation_record(support_request=sr, actor=request.user, **data),
        success=_("The explanation of the procedure is recorded."),
    )


@require_POST
@staff_view(VIEW)
def request_return(request, pk):
    return _step(
        request,
        pk,
        form_class=NoteForm,
        form_key="return",
        target=S.INCOMPLETE,
        call=lambda sr, data: services.support_request_return_incomplete(
            support_request=sr, actor=request.user, note=data["note"]
        ),
        success=_("The request is returned as incomplete with the list of missing items."),
    )


@require_POST
@staff_view(VIEW, PROCESS)
def request_withdraw(request, pk):
    return _step(
        request,
        pk,
        form_class=ReasonForm,
        form_key="withdraw",
        target=S.WITHDRAWN,
        call=lambda sr, data: services.support_request_withdraw(
            support_request=sr, actor=request.user, reason=data["reason"]
        ),
        success=_("The request is withdrawn."),
    )


@require_POST
@staff_view(VIEW)
def request_refer(request, pk):
    branch = _get_request(pk).branch
    return _step(
        request,
        pk,
        form_class=partial(ReferForm, branch=branch),
        form_key="refer",
        target=S.IN_RESEARCH,
        call=lambda sr, data: services.research_refer(
            support_request=sr, actor=request.user, researcher=data["researcher"], reason=data["reason"]
        ),
        success=_("The request is referred to social research."),
    )


@require_POST
@staff_view(VIEW, PROCESS)
def request_to_committee(request, pk):
    return _step(
        request,
        pk,
        form_class=OptionalReasonForm,
        form_key="to_committee",
        target=S.AWAITING_COMMITTEE,
        call=lambda sr, data: services.support_request_send_to_committee(
            support_request=sr, actor=request.user, reason=data["reason"]
        ),
        success=_("The request is on the committee's agenda."),
    )


@require_POST
@staff_view(VIEW, "requests_app.research_supportrequest")
def study_record(request, pk):
    support_request = _get_request(pk)
    study = services.study_for(support_request=support_request, actor=request.user)
    form = StudyForm(request.POST, instance=SocialStudy.objects.get(pk=study.pk), prefix="study")
    if form.is_valid():
        try:
            services.study_record(study=study, actor=request.user, data=form.cleaned_data)
        except ValidationError as exc:
            apply_to_form(form, exc)
        else:
            messages.success(request, _("The assessment is recorded and scored."))
            return redirect(support_request)
    return _render_detail(request, support_request.pk, status=400, study=form)


@require_POST
@staff_view(VIEW, "requests_app.research_supportrequest")
def study_recommend(request, pk):
    study = services.study_for(support_request=_get_request(pk), actor=request.user)
    return _step(
        request,
        pk,
        form_class=RecommendForm,
        form_key="recommend",
        target=S.AWAITING_COMMITTEE,
        call=lambda sr, data: services.study_recommend(study=study, actor=request.user, **data),
        success=_("The recommendation is recorded; the request goes to the committee."),
    )


@require_POST
@staff_view(VIEW, "requests_app.vote_supportrequest")
def committee_vote(request, pk):
    return _step(
        request,
        pk,
        form_class=VoteForm,
        form_key="vote",
        target=None,
        call=lambda sr, data: services.committee_vote(support_request=sr, actor=request.user, **data),
        success=_("Your vote is recorded."),
    )


@require_POST
@staff_view(VIEW)
def committee_decide(request, pk):
    """The decision: the committee's chair, or the manager where the policy names no committee
    (``services.decision_authorize``: 403 for anyone else, before the form is read)."""
    services.decision_authorize(support_request=_get_request(pk), actor=request.user)

    def call(sr, data):
        grant = {k: data[k] for k in services.GRANT_FIELDS}
        return services.committee_decide(
            support_request=sr, actor=request.user, outcome=data["outcome"], reasons=data["reasons"], grant=grant
        )

    return _step(
        request,
        pk,
        form_class=DecideForm,
        form_key="decide",
        target=None,
        call=call,
        success=_("The decision is recorded. The decision letter is ready."),
    )


@require_POST
@staff_view(VIEW, PROCESS)
def request_appeal(request, pk):
    return _step(
        request,
        pk,
        form_class=AppealForm,
        form_key="appeal",
        target=S.AWAITING_COMMITTEE,
        call=lambda sr, data: services.support_request_appeal(support_request=sr, actor=request.user, **data),
        success=_("The appeal is recorded; the committee will reconsider the request."),
    )


@require_POST
@staff_view(VIEW, PROCESS)
def request_register(request, pk):
    return _step(
        request,
        pk,
        form_class=None,
        form_key="",
        target=S.REGISTERED,
        call=lambda sr, data: services.support_request_register(support_request=sr, actor=request.user),
        success=_("The request is registered for the service."),
    )


@require_POST
@staff_view(VIEW, PROCESS)
@once_per_form
def delivery_new(request, pk):
    return _step(
        request,
        pk,
        form_class=DeliveryForm,
        form_key="delivery",
        target=None,
        call=lambda sr, data: services.delivery_record(support_request=sr, actor=request.user, **data),
        success=_("The delivery is recorded."),
    )


@require_POST
@staff_view(VIEW)
def request_close(request, pk):
    return _step(
        request,
        pk,
        form_class=OptionalReasonForm,
        form_key="close",
        target=S.CLOSED,
        call=lambda sr, data: services.support_request_close(
            support_request=sr, actor=request.user, reason=data["reason"]
        ),
        success=_("The request is closed."),
    )


@staff_view(VIEW, WITNESS)
@once_per_form
def declaration_sign(request, pk):
    support_request = _get_request(pk)
    if "declaration" not in (action.code for action in services.request_actions(support_request, request.user)):
        messages.info(request, _("The declaration cannot be signed at this stage."))
        return redirect(support_request)
    form = DeclarationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.declaration_sign(
                support_request=support_request,
                actor=request.user,
                signature_scan=form.cleaned_data["signature_scan"],
                signature_data=form.cleaned_data["signature_data"],
            )
        except ValidationError as exc:
            apply_to_form(form, exc)
        else:
            messages.success(request, _("The declaration is signed."))
            return redirect(support_request)
    return render(
        request,
        "requests_app/declaration_sign.html",
        {
            "support_request": support_request,
            "form": form,
            "declaration_text": services.DECLARATION_TEXTS[services.DECLARATION_VERSION],
            "declaration_version": services.DECLARATION_VERSION,
        },
        status=400 if form.errors else 200,
    )


# ---- missing documents, handed in from the request page -----------------------------------------------


@require_POST
@staff_view(VIEW, "beneficiaries.add_document")
@once_per_form
def document_supply(request, pk, type_pk):
    support_request = _get_request(pk)
    document_type = get_object_or_404(DocumentType, pk=type_pk)
    form = MissingDocumentForm(document_type, request.POST, request.FILES)
    if form.is_valid():
        try:
            services.request_document_supply(
                support_request=support_request,
                document_type=document_type,
                uploaded_file=form.cleaned_data["file"],
                verified=form.cleaned_data["verified"],
                issued_on=form.cleaned_data["issued_on"],
                expires_on=form.cleaned_data["expires_on"],
                actor=request.user,
            )
        except ValidationError as exc:
            apply_to_form(form, exc)
        else:
            if form.cleaned_data["verified"]:
                messages.success(request, _("%(document)s is received and verified.") % {"document": document_type})
            else:
                messages.success(request, _("%(document)s is received.") % {"document": document_type})
            return redirect(support_request.get_absolute_url() + "#missing-items")
    return _render_detail(request, support_request.pk, status=400, document_forms={document_type.pk: form})


@require_POST
@staff_view(VIEW, "beneficiaries.verify_document")
def document_verify(request, pk, type_pk):
    support_request = _get_request(pk)
    document_type = get_object_or_404(DocumentType, pk=type_pk)
    try:
        services.request_document_verify(
            support_request=support_request, document_type=document_type, actor=request.user
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("%(document)s is verified against the original.") % {"document": document_type})
    return redirect(support_request.get_absolute_url() + "#missing-items")


# ---- documents ------------------------------------------------------------------------------------------


@no_store  # the request's documents carry the person's data
@staff_view(VIEW)
def request_pdf(request, pk, kind):
    if kind not in selectors.PDF_KINDS:
        raise Http404
    support_request = _get_request(pk)
    if not selectors.pdf_available(support_request, kind):
        raise Http404
    try:
        data, filename = document_kinds()[kind](support_request.pk)
    except LookupError:
        raise Http404 from None
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# ---- lists ----------------------------------------------------------------------------------------------


@staff_view(VIEW)
def request_list(request):
    form = RequestFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    page = keyset_paginate(request, selectors.request_list(filters=filters))
    return render(request, "requests_app/request_list.html", {"page": page, "form": form})


@staff_view(VIEW, "requests_app.vote_supportrequest")
def committee_agenda(request):
    """Requests awaiting the committee, oldest first, with the days left before each may be decided."""
    page = paginate(request, selectors.agenda_queryset(request.user))
    return render(
        request,
        "requests_app/agenda.html",
        {"page": page, "rows": selectors.agenda_rows(page.object_list), "quorum": selectors.quorum_required()},
    )


@staff_view(VIEW, "requests_app.research_supportrequest")
def research_assignments(request):
    page = paginate(request, selectors.research_assignments(user=request.user))
    return render(request, "requests_app/assignments.html", {"page": page})
