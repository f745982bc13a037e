import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Exists, F, OuterRef, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from association.kernel.actions import ActionMenu
from association.kernel.form_tokens import once_per_form
from association.kernel.http import no_store
from association.kernel.pagination import paginate
from association.kernel.pdf import document_kinds
from association.kernel.permissions import staff_view
from beneficiaries.models import Beneficiary, Document, DocumentType

from . import services
from .forms import (
    AppealForm,
    DecideForm,
    DeclarationForm,
    DeliveryForm,
    DraftRequestForm,
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
from .models import CommitteeVote, ServiceType, SocialStudy, SupportRequest

VIEW = "requests_app.view_supportrequest"
PROCESS = "requests_app.process_supportrequest"
S = SupportRequest.Status
PDF_KINDS = ("acknowledgment", "declaration", "decision", "minutes")


def _apply_errors(form, exc: ValidationError) -> None:
    """A service's error next to its field when the form has that field, above the form otherwise."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _get_request(pk) -> SupportRequest:
    return get_object_or_404(
        SupportRequest.objects.select_related("beneficiary", "service_type", "channel", "created_by", "researcher"),
        pk=pk,
    )


@staff_view(VIEW, "requests_app.add_supportrequest")
@once_per_form
def request_new(request, public_id):
    """Start a request draft for a beneficiary, with the chosen service's document checklist."""
    beneficiary = get_object_or_404(Beneficiary, public_id=public_id)
    form = DraftRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            support_request = services.support_request_create_draft(
                beneficiary=beneficiary, actor=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("The request draft is opened."))
            return redirect(support_request)
    service_types = ServiceType.objects.filter(is_active=True).prefetch_related("required_documents")
    checklists = [
        (st, services.required_documents_checklist(beneficiary=beneficiary, service_type=st)) for st in service_types
    ]
    return render(
        request, "requests_app/request_new.html", {"form": form, "beneficiary": beneficiary, "checklists": checklists}
    )


# ---- the request page -----------------------------------------------------------------------------------


@dataclass
class TimelineEntry:
    at: Any
    kind: str
    title: str
    detail: str = ""
    actor: Any = None


def _timeline(support_request: SupportRequest, user) -> list[TimelineEntry]:
    """Every step in time order: status changes, contacts, documents, study, votes, decisions, deliveries."""
    entries = []
    for change in support_request.status_changes.select_related("actor"):
        title = change.get_new_status_display()
        if change.old_status:
            title = f"{change.get_old_status_display()} ← {title}"
        entries.append(TimelineEntry(change.at, "status", title, change.reason, change.actor))
    # A complaint about the viewer (its entry, corrections and answer) is not shown to them.
    for contact in support_request.contacts.visible_to(user).select_related("channel", "recorded_by"):
        entries.append(
            TimelineEntry(
                contact.created_at,
                "contact",
                f"{contact.get_purpose_display()} · {contact.channel}",
                contact.subject,
                contact.recorded_by,
            )
        )
    documents = Document.objects.filter(beneficiary_id=support_request.beneficiary_id).select_related(
        "document_type", "supplied_by", "verified_by"
    )
    for document in documents:
        entries.append(
            TimelineEntry(
                document.supplied_at,
                "document",
                _("Document supplied: %(name)s") % {"name": document.document_type},
                "",
                document.supplied_by,
            )
        )
        if document.verified_at:
            entries.append(
                TimelineEntry(
                    document.verified_at,
                    "document",
                    _("Document verified: %(name)s") % {"name": document.document_type},
                    "",
                    document.verified_by,
                )
            )
    declaration = getattr(support_request, "declaration", None)
    if declaration is not None:
        entries.append(
            TimelineEntry(
                declaration.signed_at,
                "declaration",
                _("Declaration signed (%(method)s)") % {"method": declaration.get_method_display()},
                "",
                declaration.witness,
            )
        )
    for study in support_request.studies.select_related("researcher"):
        if study.assessed_at:
            entries.append(
                TimelineEntry(
                    study.assessed_at,
                    "study",
                    _("Social research assessment recorded"),
                    _("Eligibility score: %(score)s") % {"score": study.score if study.score is not None else "—"},
                    study.researcher,
                )
            )
    for vote in support_request.votes.select_related("member"):
        entries.append(
            TimelineEntry(
                vote.at,
                "vote",
                _("Committee vote: %(vote)s") % {"vote": vote.get_vote_display()},
                vote.note,
                vote.member,
            )
        )
    for decision in support_request.decisions.select_related("chair"):
        entries.append(
            TimelineEntry(
                decision.decided_at,
                "decision",
                _("Committee decision: %(outcome)s") % {"outcome": decision.get_outcome_display()},
                decision.reasons,
                decision.chair,
            )
        )
    for delivery in support_request.deliveries.select_related("delivered_by"):
        entries.append(
            TimelineEntry(
                delivery.recorded_at,
                "delivery",
                _("Delivery: %(what)s") % {"what": delivery.what},
                delivery.receipt_note,
                delivery.delivered_by,
            )
        )
    return sorted(entries, key=lambda e: e.at)


# The form of each action, by its code; built only for the actions the user is offered.
ACTION_FORMS = {
    "return": lambda sr, ctx: NoteForm(prefix="return"),
    "withdraw": lambda sr, ctx: ReasonForm(prefix="withdraw"),
    "refer": lambda sr, ctx: ReferForm(prefix="refer"),
    "to_committee": lambda sr, ctx: OptionalReasonForm(prefix="to_committee"),
    "study": lambda sr, ctx: StudyForm(instance=ctx["study"], prefix="study"),
    "recommend": lambda sr, ctx: RecommendForm(prefix="recommend"),
    "vote": lambda sr, ctx: VoteForm(prefix="vote", initial={"vote": ctx["my_vote"].vote if ctx["my_vote"] else None}),
    "decide": lambda sr, ctx: DecideForm(prefix="decide"),
    "appeal": lambda sr, ctx: AppealForm(prefix="appeal"),
    "delivery": lambda sr, ctx: DeliveryForm(prefix="delivery", initial={"delivered_on": timezone.localdate()}),
    "close": lambda sr, ctx: OptionalReasonForm(prefix="close"),
}


def _render_detail(request, support_request: SupportRequest, status=200, document_forms=None, **bound_forms):
    """The request page. What the user may do comes from ``services.request_actions``; each action's form is
    a fresh one, or the bound one that was just refused (its errors next to its fields, the typed data kept)."""
    user = request.user
    current_study = support_request.studies.select_related("researcher", "rule_set").first()
    votes = list(support_request.votes.filter(committee_round=support_request.committee_round).select_related("member"))
    opens = services.decidable_from(support_request)
    decisions = list(support_request.decisions.select_related("chair"))
    context = {
        "support_request": support_request,
        "study": current_study,
        "my_vote": next((v for v in votes if v.member_id == user.pk), None),
    }
    actions = services.request_actions(support_request, user)
    forms = {
        action.code: bound_forms.get(action.code) or ACTION_FORMS[action.code](support_request, context)
        for action in actions
        if action.code in ACTION_FORMS
    }
    for code, form in bound_forms.items():
        # Refused, and meanwhile no longer offered (someone else moved the request on): say why anyway.
        if code not in forms and form is not None:
            for errors in form.errors.values():
                for message in errors:
                    messages.error(request, message)
    document_forms = document_forms or {}
    missing = [
        replace(item, form=document_forms.get(item.document_type.pk) or MissingDocumentForm(item.document_type))
        if item.document_type is not None
        else item
        for item in services.still_missing(support_request, user)
    ]
    context.update(
        {
            "checklist": services.required_documents_checklist(
                beneficiary=support_request.beneficiary, service_type=support_request.service_type
            ),
            "missing": missing,
            "declaration": getattr(support_request, "declaration", None),
            "timeline": _timeline(support_request, request.user),
            "votes": votes,
            "votes_cast": sum(1 for v in votes if v.vote != CommitteeVote.Vote.RECUSED),
            "quorum": services.quorum_required() if "decide" in forms else None,
            "decidable_from": opens,
            "is_decidable": opens is not None and timezone.now() >= opens,
            "decisions": decisions,
            "deliveries": list(support_request.deliveries.select_related("delivered_by")),
            "pdfs": [kind for kind in PDF_KINDS if _pdf_available(support_request, kind, decisions)],
            "actions": ActionMenu.of(actions, forms),
            "forms": forms,
        }
    )
    return render(request, "requests_app/request_detail.html", context, status=status)


@staff_view(VIEW)
def request_detail(request, pk):
    return _render_detail(request, _get_request(pk))


def _step(request, pk, *, form_class, form_key, target, call, success):
    """The shape of every action: check the role against the table, validate, call the service, redirect;
    on a refusal re-render the page with the error next to the field and the typed data kept."""
    support_request = _get_request(pk)
    if target is not None and not services.can_transition(request.user, support_request.status, target):
        if target not in services.TRANSITIONS.get(support_request.status, {}):
            messages.error(request, _("This step is not possible in the request's current status."))
            return redirect(support_request)
        raise PermissionDenied
    form = form_class(request.POST, request.FILES, prefix=form_key) if form_class else None
    if form is None or form.is_valid():
        try:
            call(support_request, form.cleaned_data if form else {})
        except ValidationError as exc:
            if form is None:
                for message in exc.messages:
                    messages.error(request, message)
                return redirect(support_request)
            _apply_errors(form, exc)
        else:
            messages.success(request, success)
            return redirect(support_request)
    return _render_detail(request, support_request, status=400, **{form_key: form})


@require_POST
@staff_view(VIEW, PROCESS)
def request_submit(request, pk):
    support_request = _get_request(pk)
    if not services.can_transition(request.user, support_request.status, S.SUBMITTED):
        raise PermissionDenied
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
    return _step(
        request,
        pk,
        form_class=ReferForm,
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


def _my_study(request, support_request) -> SocialStudy:
    study = support_request.studies.first()
    if study is None or not (request.user.is_superuser or study.researcher_id == request.user.pk):
        raise PermissionDenied
    return study


@require_POST
@staff_view(VIEW, "requests_app.research_supportrequest")
def study_record(request, pk):
    support_request = _get_request(pk)
    study = _my_study(request, support_request)
    form = StudyForm(request.POST, instance=SocialStudy.objects.get(pk=study.pk), prefix="study")
    if form.is_valid():
        try:
            services.study_record(study=study, actor=request.user, data=form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("The assessment is recorded and scored."))
            return redirect(support_request)
    return _render_detail(request, support_request, status=400, study=form)


@require_POST
@staff_view(VIEW, "requests_app.research_supportrequest")
def study_recommend(request, pk):
    support_request = _get_request(pk)
    study = _my_study(request, support_request)
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
@staff_view(VIEW, "requests_app.decide_supportrequest")
def committee_decide(request, pk):
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
        success=_("The committee's decision is recorded. The decision letter is ready."),
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


@staff_view(VIEW, PROCESS)
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
            _apply_errors(form, exc)
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
                actor=request.user,
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            if form.cleaned_data["verified"]:
                messages.success(request, _("%(document)s is received and verified.") % {"document": document_type})
            else:
                messages.success(request, _("%(document)s is received.") % {"document": document_type})
            return redirect(support_request.get_absolute_url() + "#missing-items")
    return _render_detail(request, support_request, status=400, document_forms={document_type.pk: form})


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


def _pdf_available(support_request, kind, decisions) -> bool:
    if kind == "acknowledgment":
        return bool(support_request.number)
    if kind == "declaration":
        return hasattr(support_request, "declaration")
    if kind == "decision":
        return bool(decisions)
    return bool(decisions) or support_request.status == S.AWAITING_COMMITTEE


@no_store  # the request's documents carry the person's data
@staff_view(VIEW)
def request_pdf(request, pk, kind):
    if kind not in PDF_KINDS:
        raise Http404
    support_request = _get_request(pk)
    if not _pdf_available(support_request, kind, list(support_request.decisions.all())):
        raise Http404
    try:
        data, filename = document_kinds()[kind](support_request.pk)
    except LookupError:
        raise Http404 from None
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# ---- lists ----------------------------------------------------------------------------------------------


def _with_list_data(queryset):
    return queryset.select_related("beneficiary", "service_type", "channel", "researcher")


@staff_view(VIEW)
def request_list(request):
    form = RequestFilterForm(request.GET or None)
    queryset = _with_list_data(SupportRequest.objects.all())
    if form.is_valid():
        data = form.cleaned_data
        if data["status"]:
            queryset = queryset.filter(status=data["status"])
        for field in ("service_type", "channel", "researcher"):
            if data[field]:
                queryset = queryset.filter(**{field: data[field]})
        if data["overdue"]:
            queryset = queryset.filter(services.overdue_filter())
    return render(request, "requests_app/request_list.html", {"page": paginate(request, queryset), "form": form})


@dataclass
class AgendaRow:
    support_request: SupportRequest
    decidable_from: dt.datetime
    days_left: int


def agenda_rows(queryset, now=None) -> list[AgendaRow]:
    now = now or timezone.now()
    today = now.astimezone(services.RIYADH).date()
    rows = []
    for support_request in queryset:
        opens = services.decidable_from(support_request)
        rows.append(AgendaRow(support_request, opens, max((opens.date() - today).days, 0)))
    return rows


def agenda_queryset(user):
    current_round = Q(votes__committee_round=F("committee_round"))
    return (
        _with_list_data(SupportRequest.objects.filter(status=S.AWAITING_COMMITTEE))
        .annotate(
            n_votes=Count("votes", filter=current_round & ~Q(votes__vote=CommitteeVote.Vote.RECUSED)),
            voted_by_me=Exists(
                CommitteeVote.objects.filter(
                    support_request=OuterRef("pk"), committee_round=OuterRef("committee_round"), member=user.pk
                )
            ),
        )
        .order_by("submitted_at", "pk")
    )


@staff_view(VIEW, "requests_app.vote_supportrequest")
def committee_agenda(request):
    """Requests awaiting the committee, oldest first, with the days left before each may be decided."""
    page = paginate(request, agenda_queryset(request.user))
    return render(
        request,
        "requests_app/agenda.html",
        {"page": page, "rows": agenda_rows(page.object_list), "quorum": services.quorum_required()},
    )


@staff_view(VIEW, "requests_app.research_supportrequest")
def research_assignments(request):
    queryset = _with_list_data(SupportRequest.objects.filter(status=S.IN_RESEARCH, researcher=request.user)).order_by(
        "submitted_at", "pk"
    )
    return render(request, "requests_app/assignments.html", {"page": paginate(request, queryset)})
