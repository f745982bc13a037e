"""Staff pages of data protection (PDPL): the person's requests about their data, their export, the
erasure decision, and consent given or withdrawn from the person's page."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from association.kernel.errors import apply_to_form
from association.kernel.http import no_store
from association.kernel.pagination import paginate
from association.kernel.permissions import staff_view

from .. import selectors, services
from ..models import Beneficiary
from . import services as privacy
from .forms import (
    ConsentChangeForm,
    ErasureDecisionForm,
    SubjectExportForm,
    SubjectRequestCloseForm,
    SubjectRequestFilterForm,
    SubjectRequestForm,
)
from .models import SubjectRequest

VIEW = "beneficiaries.view_subjectrequest"


def _beneficiary(public_id) -> Beneficiary:
    try:
        return selectors.beneficiary_get(public_id=public_id)
    except Beneficiary.DoesNotExist:
        raise Http404 from None


@staff_view(VIEW)
def subject_request_list(request):
    form = SubjectRequestFilterForm(request.GET or None)
    filters = form.filters()
    rows = SubjectRequest.objects.select_related("beneficiary").order_by("status", "due_on", "pk")
    if filters.get("status"):
        rows = rows.filter(status=filters["status"])
    if filters.get("kind"):
        rows = rows.filter(kind=filters["kind"])
    page = paginate(request, rows)
    return render(
        request,
        "beneficiaries/privacy/request_list.html",
        {"form": form, "page": page, "today": timezone.localdate()},
    )


@require_http_methods(["GET", "POST"])
@staff_view(VIEW, "beneficiaries.add_subjectrequest")
def subject_request_new(request, public_id):
    beneficiary = _beneficiary(public_id)
    form = SubjectRequestForm(request.POST or None, initial={"received_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            created = privacy.subject_request_create(beneficiary=beneficiary, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_to_form(form, exc)
        else:
            messages.success(request, _("The request is recorded; it is due on %(due)s.") % {"due": created.due_on})
            return redirect(created)
    return render(request, "beneficiaries/privacy/request_form.html", {"form": form, "beneficiary": beneficiary})


def _detail(request, subject_request, *, close_form=None, decide_form=None, status=200):
    user = request.user
    can_close = subject_request.is_open and subject_request.kind != SubjectRequest.Kind.ERASURE
    can_decide = subject_request.is_open and subject_request.kind == SubjectRequest.Kind.ERASURE
    context = {
        "subject_request": subject_request,
        "beneficiary": subject_request.beneficiary,
        "events": subject_request.events.select_related("actor"),
        "today": timezone.localdate(),
        "close_form": (close_form or SubjectRequestCloseForm())
        if can_close and user.has_perm("beneficiaries.change_subjectrequest")
        else None,
        "decide_form": (decide_form or ErasureDecisionForm())
        if can_decide and user.has_perm("beneficiaries.decide_erasure")
        else None,
        "blockers": privacy.erasure_blockers(subject_request.beneficiary) if can_decide else [],
        "erasure": subject_request.beneficiary.erasures.first(),
    }
    return render(request, "beneficiaries/privacy/request_detail.html", context, status=status)


def _subject_request(pk) -> SubjectRequest:
    return get_object_or_404(SubjectRequest.objects.select_related("beneficiary", "created_by", "closed_by"), pk=pk)


@staff_view(VIEW)
def subject_request_detail(request, pk):
    return _detail(request, _subject_request(pk))


@require_POST
@staff_view(VIEW, "beneficiaries.change_subjectrequest")
def subject_request_close(request, pk):
    subject_request = _subject_request(pk)
    form = SubjectRequestCloseForm(request.POST)
    if form.is_valid():
        try:
            privacy.subject_request_close(subject_request=subject_request, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_to_form(form, exc)
        else:
            messages.success(request, _("The request is closed."))
            return redirect(subject_request)
    return _detail(request, subject_request, close_form=form, status=400)


@require_POST
@staff_view(VIEW, "beneficiaries.decide_erasure")
def erasure_decide(request, pk):
    subject_request = _subject_request(pk)
    form = ErasureDecisionForm(request.POST)
    if form.is_valid():
        try:
            privacy.erasure_decide(
                subject_request=subject_request,
                approve=form.cleaned_data["decision"] == "approve",
                reason=form.cleaned_data["reason"],
                actor=request.user,
            )
        except ValidationError as exc:
            apply_to_form(form, exc)
        else:
            messages.success(request, _("The decision is recorded."))
            return redirect(subject_request)
    return _detail(request, subject_request, decide_form=form, status=400)


@no_store
@require_POST
@staff_view(privacy.EXPORT_PERMISSION)
def subject_export(request, public_id):
    """Everything held about the person, as a PDF or JSON file; the export is logged for the managers."""
    beneficiary = _beneficiary(public_id)
    form = SubjectExportForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("Choose JSON or PDF."))
    file_format = form.cleaned_data["file_format"]
    content, name = privacy.subject_export(beneficiary=beneficiary, file_format=file_format, actor=request.user)
    content_type = "application/pdf" if file_format == "pdf" else "application/json; charset=utf-8"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_POST
@staff_view("beneficiaries.change_consent")
def consent_change(request, public_id):
    """Give or withdraw one purpose from the person's page."""
    beneficiary = _beneficiary(public_id)
    form = ConsentChangeForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("Choose a purpose."))
    try:
        services.consent_set(beneficiary=beneficiary, actor=request.user, **form.cleaned_data)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        if form.cleaned_data["given"]:
            messages.success(request, _("The consent is recorded."))
        else:
            messages.success(request, _("The consent is withdrawn."))
    return redirect(beneficiary.get_absolute_url() + "#consent")


def privacy_panel(*, beneficiary, user):
    """Slot ``beneficiary_panels``: the person's requests about their data, the export, holds and erasure."""
    if not user.has_perm(VIEW):
        return None
    from association.kernel.registry import Panel

    return Panel(
        "beneficiaries/privacy/_panel.html",
        {
            "subject_requests": list(beneficiary.subject_requests.order_by("-received_on", "-pk")[:10]),
            "legal_holds": [hold for hold in beneficiary.legal_holds.all() if hold.is_active],
            "erasure": beneficiary.erasures.first(),
            "export_form": SubjectExportForm(),
        },
    )
