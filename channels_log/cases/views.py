"""Staff pages for cases (inquiries, complaints, suggestions) and the contact and case reports."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from association.branches import Branch
from association.kernel import memo
from association.kernel.actions import ActionMenu
from association.kernel.http import posted_form
from association.kernel.pagination import keyset_paginate
from association.kernel.permissions import staff_view
from channels_log.contacts.services import contact_attachment_allowed

from . import reports, selectors, services
from .forms import (
    CaseAnswerForm,
    CaseAssignForm,
    CaseCloseForm,
    CaseOutcomeForm,
    CaseReopenForm,
    ReportPeriodForm,
)
from .models import Case

VIEW_CASE = "channels_log.view_case"
CHANGE_CASE = "channels_log.change_case"


def _case(request, pk) -> Case:
    """The case for an action (its page is read by ``selectors.case_detail``)."""
    return get_object_or_404(selectors.cases_visible(request.user), pk=pk)


@staff_view(VIEW_CASE)
def case_list(request):
    status, kind = request.GET.get("status", ""), request.GET.get("kind", "")
    queryset = selectors.case_list(
        request.user,
        status=status,
        kind=kind,
        overdue=bool(request.GET.get("overdue")),
        mine=bool(request.GET.get("mine")),
        branch=request.GET.get("branch", ""),
    )
    return render(
        request,
        "channels_log/case_list.html",
        {
            "page": keyset_paginate(request, queryset),
            "branches": memo.table_rows(Branch.objects.all()),
            "selected_branch": request.GET.get("branch", ""),
            "statuses": Case.Status.choices,
            "kinds": Case.Kind.choices,
            "selected_status": status,
            "selected_kind": kind,
            "now": timezone.now(),
        },
    )


def _detail(request, pk, *, status=200, **forms):
    user = request.user
    try:
        case = selectors.case_detail(user, pk)
    except Case.DoesNotExist:
        raise Http404 from None
    context = {
        "case": case,
        "events": case.events.all(),
        "attachments": case.contact.attachments.all(),
        "can_open_attachments": contact_attachment_allowed(actor=user, contact=case.contact),
        "assign_form": forms.get("assign_form") or CaseAssignForm(case=case, initial={"assignee": case.assignee_id}),
        "answer_form": forms.get("answer_form") or CaseAnswerForm(initial={"channel": case.contact.channel_id}),
        "outcome_form": forms.get("outcome_form")
        or CaseOutcomeForm(
            initial={
                "outcome": case.outcome or None,
                "request_number": case.support_request.number if case.support_request else "",
                "note": case.outcome_note,
            }
        ),
        "close_form": forms.get("close_form") or CaseCloseForm(),
        "reopen_form": forms.get("reopen_form") or CaseReopenForm(),
        "now": timezone.now(),
    }
    # What the user may do comes from services.case_actions; each action gets its form (a refused one keeps
    # its errors and the typed data).
    action_forms = {code: context.get(f"{code}_form") for code in ("assign", "answer", "outcome", "close", "reopen")}
    context["actions"] = ActionMenu.of(services.case_actions(case, user), action_forms)
    return render(request, "channels_log/case_detail.html", context, status=status)


@staff_view(VIEW_CASE)
def case_detail(request, pk):
    return _detail(request, pk)


def _apply(request, case, form_name, form, action, success, field_map=None):
    """Validate ``form``, run ``action(cleaned_data)``; on bad input show the page with the errors next to
    their fields and the typed data kept (``kernel.http.posted_form``)."""
    return posted_form(
        request,
        form,
        action,
        done=success,
        target=case.get_absolute_url(),
        invalid=lambda form: _detail(request, case.pk, status=400, **{form_name: form}),
        field_map=field_map,
    )


@require_POST
@staff_view(VIEW_CASE, "channels_log.assign_case")
def case_assign(request, pk):
    case = _case(request, pk)
    form = CaseAssignForm(request.POST, case=case)
    return _apply(
        request,
        case,
        "assign_form",
        form,
        lambda d: services.case_assign(case=case, assignee=d["assignee"], actor=request.user),
        _("The case is assigned."),
    )


@require_POST
@staff_view(VIEW_CASE, CHANGE_CASE)
def case_start(request, pk):
    case = _case(request, pk)
    try:
        services.case_start(case=case, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("You are working on the case."))
    return redirect(case.get_absolute_url())


@require_POST
@staff_view(VIEW_CASE, CHANGE_CASE)
def case_answer(request, pk):
    case = _case(request, pk)
    form = CaseAnswerForm(request.POST)
    return _apply(
        request,
        case,
        "answer_form",
        form,
        lambda d: services.case_answer(case=case, response=d["response"], channel=d["channel"], actor=request.user),
        _("The answer is recorded."),
    )


@require_POST
@staff_view(VIEW_CASE, CHANGE_CASE)
def case_outcome(request, pk):
    case = _case(request, pk)
    form = CaseOutcomeForm(request.POST)
    return _apply(
        request,
        case,
        "outcome_form",
        form,
        lambda d: services.case_set_outcome(
            case=case, outcome=d["outcome"], note=d["note"], support_request=d["request_number"], actor=request.user
        ),
        _("The outcome is recorded."),
        field_map={"support_request": "request_number"},
    )


@require_POST
@staff_view(VIEW_CASE, CHANGE_CASE)
def case_close(request, pk):
    case = _case(request, pk)
    form = CaseCloseForm(request.POST)
    return _apply(
        request,
        case,
        "close_form",
        form,
        lambda d: services.case_close(case=case, note=d["note"], actor=request.user),
        _("The case is closed."),
    )


@require_POST
@staff_view(VIEW_CASE, CHANGE_CASE)
def case_reopen(request, pk):
    case = _case(request, pk)
    form = CaseReopenForm(request.POST)
    return _apply(
        request,
        case,
        "reopen_form",
        form,
        lambda d: services.case_reopen(case=case, reason=d["reason"], actor=request.user),
        _("The case is reopened."),
    )


# --- Reports ---


def _period(request):
    form = ReportPeriodForm(request.GET or None)
    start = end = None
    if form.is_bound and form.is_valid():
        start, end = form.cleaned_data.get("start"), form.cleaned_data.get("end")
    start, end = reports.default_period(start, end)
    return form, start, end


@staff_view("channels_log.view_case_reports")
def case_reports(request):
    form, start, end = _period(request)
    return render(
        request,
        "channels_log/reports.html",
        {
            "form": form,
            "start": start,
            "end": end,
            "report": reports.build(start=start, end=end),
        },
    )


@staff_view("channels_log.view_case_reports")
def case_reports_xlsx(request):
    _form, start, end = _period(request)
    content = reports.to_xlsx(reports.build(start=start, end=end), start=start, end=end)
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="contacts-{start:%Y%m%d}-{end:%Y%m%d}.xlsx"'
    return response


@require_POST
@staff_view(VIEW_CASE, CHANGE_CASE)
def case_appeal(request, pk):
    case = _case(request, pk)
    try:
        services.case_appeal_open(case=case, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The appeal is opened: the committee will reconsider the request."))
    return redirect(case.get_absolute_url())
