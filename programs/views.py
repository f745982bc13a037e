"""Thin views: permission first (``staff_view``), a scoped getter, the form, the service, a redirect with a message;
a service's refusal is shown next to its field (``apply_to_form``)."""

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from association.kernel.errors import apply_to_form
from association.kernel.form_tokens import once_per_form
from association.kernel.http import posted_form
from association.kernel.pagination import paginate
from association.kernel.permissions import staff_view
from association.kernel.spreadsheets import xlsx_bytes

from . import documents, forms, reports, selectors, services
from .models import (
    Attendance,
    Organisation,
    Permit,
    Program,
    ProgramDocument,
    ProgramReport,
    Session,
    Volunteer,
)
from .procedure import programs_decider
from .transitions import BUTTON_STEPS, TRANSITIONS

VIEW = "programs.view_program"


def _private(response):
    """What carries a person's data or a file is never kept by a cache (as ``kernel.http.no_store``)."""
    add_never_cache_headers(response)
    patch_cache_control(response, private=True)
    return response


RUN = "programs.run_program"


def _fail(form, exc):
    apply_to_form(form, exc)


# --- Programs ---------------------------------------------------------------------------------------


@staff_view(VIEW)
def program_list(request):
    status = request.GET.get("status", "")
    if status not in Program.Status.values:
        status = ""
    query = request.GET.get("q", "").strip()[:100]
    return render(
        request,
        "programs/program_list.html",
        {
            "page": paginate(request, selectors.program_list(status=status, query=query)),
            "statuses": Program.Status.choices,
            "selected": status,
            "query": query,
        },
    )


@staff_view("programs.add_program")
@once_per_form
def program_new(request):
    form = forms.ProgramForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        document = form.cleaned_data.get("document")
        try:
            program = services.program_propose(
                actor=request.user, program=form.instance, documents=[document] if document else []
            )
        except ValidationError as exc:
            if "file" in getattr(exc, "error_dict", {}):
                exc = ValidationError({"document": exc.error_dict["file"]})
            _fail(form, exc)
        else:
            messages.success(request, _("Proposal %(reference)s is recorded.") % {"reference": program.reference})
            return redirect(program)
    return render(request, "programs/program_form.html", {"form": form})


def _next_steps(program: Program, user) -> list[tuple[str, str]]:
    steps = []
    for status, permission in TRANSITIONS.get(program.status, {}).items():
        if status in BUTTON_STEPS and user.has_perm(permission):
            steps.append((status, Program.Status(status).label))
    return steps


@staff_view(VIEW)
def program_detail(request, pk):
    program = get_object_or_404(
        Program.objects.select_related("kind", "volunteer", "beneficiary", "organisation", "coordinator", "created_by"),
        pk=pk,
    )
    decider, decider_name, permission = programs_decider()
    can_decide = program.status == Program.Status.UNDER_STUDY and request.user.has_perm(permission)
    context = {
        "program": program,
        "steps": _next_steps(program, request.user),
        "can_decide": can_decide,
        "decider_name": decider_name,
        "decision_form": forms.DecisionForm() if can_decide else None,
        "needs_letter": decider == "competent_body",
        "history": program.status_changes.select_related("actor"),
        "documents": program.documents.all(),
        "requirements": program.kind.permit_requirements.all(),
        "permits": program.permits.select_related("requirement"),
        "missing_permits": services.missing_permits(program),
        "sessions": program.sessions.all(),
        "assignments": program.assignments.select_related("volunteer"),
        "figures": selectors.program_figures(program),
        "cases": selectors.program_cases(program)[:50],
        "notes": program.notes.select_related("recorded_by"),
        "reports": program.reports.select_related("issued_by"),
        "step_form": forms.StepForm(),
        "document_form": forms.DocumentForm(),
        "assign_form": forms.AssignForm(),
        "note_form": forms.NoteForm(),
    }
    return render(request, "programs/program_detail.html", context)


@require_POST
@staff_view(VIEW)
def program_step(request, pk):
    program = get_object_or_404(Program, pk=pk)
    form = forms.StepForm(request.POST)
    if not form.is_valid():
        return HttpResponse(status=400)
    try:
        services.program_step(
            program=program, to=form.cleaned_data["status"], actor=request.user, reason=form.cleaned_data["reason"]
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The program is now: %(status)s.") % {"status": program.get_status_display()})
    return redirect(program)


@staff_view(VIEW)
def program_decide(request, pk):
    program = get_object_or_404(Program.objects.select_related("kind"), pk=pk)
    decider, decider_name, permission = programs_decider()
    if not request.user.has_perm(permission):
        raise PermissionDenied
    form = forms.DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.program_decide(
                program=program,
                actor=request.user,
                approve=form.cleaned_data["outcome"] == "approve",
                note=form.cleaned_data["note"],
                body_letter=form.cleaned_data["body_letter"],
            )
        except ValidationError as exc:
            _fail(form, exc)
        else:
            messages.success(request, _("The decision is recorded."))
            return redirect(program)
    return render(
        request,
        "programs/decide.html",
        {"program": program, "form": form, "decider_name": decider_name, "needs_letter": decider == "competent_body"},
    )


@require_POST
@staff_view("programs.change_program")
def document_add(request, pk):
    program = get_object_or_404(Program, pk=pk)
    form = forms.DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.document_add(
                program=program,
                title=form.cleaned_data["title"],
                uploaded_file=form.cleaned_data["file"],
                actor=request.user,
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The document is added."))
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    return redirect(program)


def _file_response(field, content_type: str, name: str):
    response = FileResponse(field.open("rb"), content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return _private(response)


@staff_view(VIEW)
def document_file(request, pk):
    document = get_object_or_404(ProgramDocument, pk=pk)
    return _file_response(document.file, document.content_type, f"program-document-{document.pk}")


# --- Permits ----------------------------------------------------------------------------------------


@staff_view(RUN)
@once_per_form
def permit_new(request, pk):
    program = get_object_or_404(Program.objects.select_related("kind"), pk=pk)
    return _permit_form(request, program, Permit(program=program))


@staff_view(RUN)
def permit_edit(request, pk):
    permit = get_object_or_404(Permit.objects.select_related("program__kind"), pk=pk)
    return _permit_form(request, permit.program, permit)


def _permit_form(request, program, permit):
    form = forms.PermitForm(request.POST or None, request.FILES or None, instance=permit, program=program)
    if request.method == "POST" and form.is_valid():
        try:
            services.permit_save(permit=form.instance, actor=request.user, scan=form.cleaned_data.get("scan_file"))
        except ValidationError as exc:
            if "scan" in getattr(exc, "error_dict", {}):
                exc = ValidationError({"scan_file": exc.error_dict["scan"]})
            _fail(form, exc)
        else:
            messages.success(request, _("The permit is recorded."))
            return redirect(program)
    return render(request, "programs/permit_form.html", {"form": form, "program": program, "permit": permit})


@staff_view(VIEW)
def permit_scan(request, pk):
    permit = get_object_or_404(Permit, pk=pk)
    if not permit.scan:
        return HttpResponse(status=404)
    return _file_response(permit.scan, permit.scan_content_type, f"permit-{permit.pk}")


# --- Sessions and attendance ---------------------------------------------------------------------------


@staff_view(RUN)
@once_per_form
def session_new(request, pk):
    program = get_object_or_404(Program, pk=pk)
    form = forms.SessionForm(request.POST or None, instance=Session(program=program))
    if request.method == "POST" and form.is_valid():
        try:
            session = services.session_save(session=form.instance, actor=request.user)
        except ValidationError as exc:
            _fail(form, exc)
        else:
            messages.success(request, _("The session is planned."))
            return redirect(session)
    return render(request, "programs/session_form.html", {"form": form, "program": program})


@staff_view(VIEW)
def session_detail(request, pk):
    session = get_object_or_404(Session.objects.select_related("program"), pk=pk)
    attendances = paginate(request, selectors.attendances_for(session), per_page=100)
    return render(
        request,
        "programs/session_detail.html",
        {
            "session": session,
            "program": session.program,
            "page": attendances,
            "attendee_form": forms.AttendeeForm(),
            "held_form": forms.HeldForm(),
            "head_count_form": forms.HeadCountForm(initial={"head_count": session.head_count}),
            "hours_form": forms.HoursForm(session=session),
            "hours": session.volunteer_hours.select_related("volunteer"),
            "attended": session.attendances.filter(checked_in_at__isnull=False).count(),
        },
    )


def _errors_to_messages(request, form_or_exc):
    errors = form_or_exc.errors.values() if hasattr(form_or_exc, "errors") else [form_or_exc.messages]
    for group in errors:
        for message in group:
            messages.error(request, message)


def _posted_step(request, target, form, act, done: str):
    """A small form posted from ``target``'s page: the service ``act(cleaned_data)`` runs when the form is valid;
    its errors or ``done`` come back as messages on ``target``'s page (``kernel.http.posted_form``)."""

    def invalid(form):
        _errors_to_messages(request, form)
        return redirect(target)

    return posted_form(request, form, act, done=done, target=target.get_absolute_url(), invalid=invalid)


@require_POST
@staff_view(RUN)
def session_held(request, pk):
    session = get_object_or_404(Session, pk=pk)
    return _posted_step(
        request,
        session,
        forms.HeldForm(request.POST),
        lambda data: services.session_held(session=session, actor=request.user, head_count=data["head_count"]),
        _("The session is recorded as held; attendees are invited to the survey."),
    )


@require_POST
@staff_view(RUN)
def head_count(request, pk):
    session = get_object_or_404(Session, pk=pk)
    return _posted_step(
        request,
        session,
        forms.HeadCountForm(request.POST),
        lambda data: services.head_count_set(session=session, actor=request.user, head_count=data["head_count"]),
        _("The head-count is recorded."),
    )


@require_POST
@staff_view(RUN)
def attendee_add(request, pk):
    session = get_object_or_404(Session, pk=pk)
    return _posted_step(
        request,
        session,
        forms.AttendeeForm(request.POST),
        lambda data: services.attendance_add(
            session=session,
            actor=request.user,
            beneficiary=data["beneficiary"],
            name=data["name"],
            mobile=data["mobile"],
            send_link=data["send_link"],
        ),
        _("The attendee is on the list."),
    )


@require_POST
@staff_view(RUN)
def attendance_mark(request, pk):
    attendance = get_object_or_404(Attendance.objects.select_related("session"), pk=pk)
    services.attendance_mark(attendance=attendance, actor=request.user, present=request.POST.get("present") != "0")
    return redirect(attendance.session)


@staff_view(RUN)
def attendance_qr(request, pk):
    attendance = get_object_or_404(Attendance, pk=pk)
    image = qrcode.make(
        services.attendance_url(attendance), image_factory=qrcode.image.svg.SvgPathImage, box_size=12, border=2
    )
    return _private(HttpResponse(image.to_string(encoding="unicode"), content_type="image/svg+xml"))


# No CSRF token, as the survey page: under ``Referrer-Policy: no-referrer`` the browser sends ``Origin: null``; a
# forged POST must already carry the signed single-use token of the URL, and there is no session to ride on.
@csrf_exempt
def attend(request, token):
    """The public page an attendee's QR code opens (no login): the signed token records their attendance once."""
    if len(token) > 300:
        return _private(render(request, "programs/public/attend.html", {"refused": "invalid"}, status=404))
    try:
        attendance = services.attendance_for_token(token)
    except services.AttendanceRefused:
        return _private(render(request, "programs/public/attend.html", {"refused": "invalid"}, status=404))
    context = {"attendance": attendance, "session": attendance.session}
    if request.method == "POST":
        try:
            services.attendance_check_in(signed=token)
        except services.AttendanceRefused as exc:
            context["refused"] = exc.reason
        else:
            context["done"] = True
    response = render(request, "programs/public/attend.html", context)
    response["Referrer-Policy"] = "no-referrer"
    return _private(response)


@require_POST
@staff_view(RUN)
def hours_record(request, pk):
    session = get_object_or_404(Session, pk=pk)
    return _posted_step(
        request,
        session,
        forms.HoursForm(request.POST, session=session),
        lambda data: services.hours_record(
            session=session, volunteer=data["volunteer"], hours=data["hours"], actor=request.user
        ),
        _("The hours are recorded."),
    )


@require_POST
@staff_view(RUN)
def volunteer_assign(request, pk):
    program = get_object_or_404(Program, pk=pk)
    return _posted_step(
        request,
        program,
        forms.AssignForm(request.POST),
        lambda data: services.volunteer_assign(
            program=program, volunteer=data["volunteer"], task=data["task"], actor=request.user
        ),
        _("The volunteer is assigned."),
    )


# --- Decisions, recommendations, reports -----------------------------------------------------------------


@require_POST
@staff_view("programs.report_program")
def note_add(request, pk):
    program = get_object_or_404(Program, pk=pk)
    return _posted_step(
        request,
        program,
        forms.NoteForm(request.POST),
        lambda data: services.note_add(program=program, kind=data["kind"], text=data["text"], actor=request.user),
        _("The decision or recommendation is recorded."),
    )


@staff_view("programs.report_program")
@once_per_form
def report_new(request, pk):
    program = get_object_or_404(Program, pk=pk)
    initial = {
        "period_start": program.start_date,
        "period_end": program.end_date,
        "addressed_to": reports.default_addressee(),
        "final": program.status == Program.Status.COMPLETED,
    }
    form = forms.ReportForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            report = services.report_issue(program=program, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _fail(form, exc)
        else:
            messages.success(request, _("The report is issued."))
            return redirect("programs:report", pk=report.pk)
    return render(request, "programs/report_form.html", {"form": form, "program": program})


@staff_view("programs.report_program")
def report_detail(request, pk):
    report = get_object_or_404(ProgramReport.objects.select_related("program__kind", "issued_by"), pk=pk)
    figures = selectors.program_figures(report.program, report.period_start, report.period_end)
    return render(request, "programs/report_detail.html", {"report": report, "figures": figures})


@staff_view("programs.report_program")
def report_pdf(request, pk):
    get_object_or_404(ProgramReport, pk=pk)
    pdf, name = documents.program_report_pdf(pk)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return _private(response)


@staff_view("programs.report_program")
def report_xlsx(request, pk):
    report = get_object_or_404(ProgramReport.objects.select_related("program__kind"), pk=pk)
    content = xlsx_bytes(reports.report_sheets(report))
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="program-report-{report.pk}.xlsx"'
    return _private(response)


# --- Organisations ----------------------------------------------------------------------------------


@staff_view("programs.view_organisation")
def organisation_list(request):
    return render(
        request,
        "programs/organisation_list.html",
        {"page": paginate(request, Organisation.objects.order_by("name", "pk"))},
    )


@staff_view("programs.add_organisation")
@once_per_form
def organisation_new(request):
    return _organisation_form(request, Organisation())


@staff_view("programs.change_organisation")
def organisation_edit(request, pk):
    return _organisation_form(request, get_object_or_404(Organisation, pk=pk))


def _organisation_form(request, organisation):
    form = forms.OrganisationForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_save(actor=request.user, organisation=form.instance)
        except ValidationError as exc:
            _fail(form, exc)
        else:
            messages.success(request, _("The organisation is saved."))
            return redirect("programs:organisations")
    return render(request, "programs/organisation_form.html", {"form": form, "organisation": organisation})


# --- Volunteers -------------------------------------------------------------------------------------


@staff_view("programs.view_volunteer")
def volunteer_list(request):
    status = request.GET.get("status", "")
    if status not in Volunteer.Status.values:
        status = ""
    return render(
        request,
        "programs/volunteer_list.html",
        {
            "page": paginate(request, selectors.volunteer_list(status=status)),
            "statuses": Volunteer.Status.choices,
            "selected": status,
        },
    )


@staff_view("programs.add_volunteer")
@once_per_form
def volunteer_new(request):
    form = forms.VolunteerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            volunteer = services.volunteer_apply(actor=request.user, volunteer=form.instance)
        except ValidationError as exc:
            _fail(form, exc)
        else:
            messages.success(request, _("The volunteer application is recorded."))
            return redirect(volunteer)
    return render(request, "programs/volunteer_form.html", {"form": form})


@staff_view("programs.view_volunteer")
def volunteer_detail(request, pk):
    volunteer = get_object_or_404(Volunteer.objects.select_related("channel"), pk=pk)
    steps = [
        (status, Volunteer.Status(status).label)
        for status, permission in services.VOLUNTEER_TRANSITIONS.get(volunteer.status, {}).items()
        if request.user.has_perm(permission)
    ]
    return render(
        request,
        "programs/volunteer_detail.html",
        {
            "volunteer": volunteer,
            "steps": steps,
            "assignments": volunteer.assignments.select_related("program"),
            "hours": selectors.volunteer_hours_lines(volunteer),
            "history": volunteer.status_changes.select_related("actor"),
        },
    )


@require_POST
@staff_view("programs.view_volunteer")
def volunteer_step(request, pk):
    volunteer = get_object_or_404(Volunteer, pk=pk)
    form = forms.VolunteerStepForm(request.POST)
    if not form.is_valid():
        return HttpResponse(status=400)
    try:
        services.volunteer_step(
            volunteer=volunteer, to=form.cleaned_data["status"], actor=request.user, reason=form.cleaned_data["reason"]
        )
    except ValidationError as exc:
        _errors_to_messages(request, exc)
    else:
        messages.success(request, _("The volunteer's status is changed."))
    return redirect(volunteer)


@staff_view("programs.view_volunteer")
def volunteer_certificate(request, pk):
    get_object_or_404(Volunteer, pk=pk)
    try:
        pdf, name = documents.volunteer_certificate_pdf(pk)
    except Volunteer.DoesNotExist:
        messages.error(request, _("This volunteer has no recorded hours yet."))
        return redirect("programs:volunteer_detail", pk=pk)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return _private(response)
