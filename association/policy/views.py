"""The policy: its public page, and the staff screens to keep its versions."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..kernel.errors import apply_to_form
from ..kernel.form_tokens import once_per_form
from ..kernel.pagination import paginate
from ..kernel.permissions import staff_view
from ..kernel.roles import Role, has_role
from . import selectors, services
from .documents import policy_pdf, policy_pdf_file, policy_pdf_name
from .forms import (
    PolicyApproveForm,
    PolicyImportForm,
    PolicyVersionForm,
    SectionFormSet,
    section_initial,
)
from .importing import PolicyReadError, PolicyTooLarge, parse_file
from .models import ADD_PERMISSION as ADD
from .models import APPROVE_PERMISSION as APPROVE
from .models import CHANGE_PERMISSION as CHANGE
from .models import PolicyVersion

VIEW = "association.view_policyversion"
PUBLISHED = (PolicyVersion.Status.APPROVED, PolicyVersion.Status.SUPERSEDED)


def _pdf_response(version: PolicyVersion) -> HttpResponse:
    """A published version's stored file (rendered once); a draft, which still changes, rendered now."""
    filename = policy_pdf_name(version)
    if version.status in PUBLISHED:
        response = FileResponse(policy_pdf_file(version).open("rb"), content_type="application/pdf")
    else:
        response = HttpResponse(policy_pdf(version.pk)[0], content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


# --- public ---------------------------------------------------------------------------------------


def public_policy(request):
    """The policy in force, with its board approval and PDF; older versions listed. No login."""
    current = services.policy_in_force()
    older = (
        PolicyVersion.objects.filter(status__in=PUBLISHED)
        .exclude(pk=current.pk if current else None)
        .order_by("-approved_at")
    )
    context = {
        "version": current,
        "sections": list(current.sections.all()) if current else [],
        "older": older,
        "read_confirmed": selectors.has_confirmed(current, request.user),
    }
    return render(request, "association/policy/public.html", context)


def public_pdf(request, pk):
    version = get_object_or_404(PolicyVersion, pk=pk, status__in=PUBLISHED)
    return _pdf_response(version)


# --- staff ----------------------------------------------------------------------------------------


@staff_view(VIEW)
def version_list(request):
    queryset = (
        PolicyVersion.objects.select_related("approved_by", "created_by")
        .annotate(section_count=Count("sections"))
        .order_by("-number")
    )
    return render(request, "association/policy/list.html", {"page": paginate(request, queryset)})


@staff_view(VIEW)
def version_detail(request, pk):
    version = get_object_or_404(PolicyVersion.objects.select_related("approved_by", "based_on"), pk=pk)
    from ..channels import Channel

    channel_names = dict(Channel.objects.filter(code__in=version.channels).values_list("code", "name_ar"))
    context = {
        "version": version,
        "sections": list(version.sections.all()),
        "channels": [(code, channel_names.get(code, code)) for code in version.channels],
        "tools": services.policy_tool_links(version.tools),
        "events": version.events.select_related("actor"),
        "in_force": services.policy_in_force(),
        "is_manager": has_role(request.user, Role.MANAGER),
        "approval_warnings": services.approval_record_warnings(version),
        "read_confirmed": selectors.has_confirmed(version, request.user),
        "confirmed_count": None,
        "staff_count": None,
    }
    if context["is_manager"] and context["in_force"] and context["in_force"].pk == version.pk:
        context["confirmed_count"], context["staff_count"] = selectors.confirmation_counts(version)
    return render(request, "association/policy/detail.html", context)


@require_POST
@staff_view(VIEW)
def version_confirm_read(request, pk):
    """A staff member confirms having read the version in force («تعميمها»)."""
    version = get_object_or_404(PolicyVersion, pk=pk)
    try:
        services.policy_confirm_read(version=version, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Thank you: your reading of the policy in force is recorded."))
    if request.POST.get("next") == "public":
        return redirect("policy:public")
    return redirect("policy:detail", pk=version.pk)


@staff_view(VIEW, APPROVE, roles=(Role.MANAGER,))
def version_unconfirmed(request, pk):
    """The manager's list of staff who have not confirmed reading this version (paginated)."""
    version = get_object_or_404(PolicyVersion, pk=pk)
    page = paginate(request, selectors.unconfirmed_staff(version))
    confirmed, staff_total = selectors.confirmation_counts(version)
    context = {"version": version, "page": page, "confirmed": confirmed, "staff_total": staff_total}
    return render(request, "association/policy/unconfirmed.html", context)


@staff_view(VIEW)
def version_scan(request, pk):
    """The scan of the signed approval, served through the app (never a public media URL)."""
    version = get_object_or_404(PolicyVersion, pk=pk)
    if not version.approval_scan:
        raise Http404
    try:
        handle = version.approval_scan.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    extension = version.approval_scan.name.rsplit(".", 1)[-1].lower()
    content_type = {"pdf": "application/pdf", "jpg": "image/jpeg", "png": "image/png"}.get(extension)
    response = FileResponse(handle, content_type=content_type or "application/octet-stream")
    response["Content-Disposition"] = f'inline; filename="approval-{version.number}.{extension}"'
    return response


@staff_view(VIEW)
def version_pdf(request, pk):
    version = get_object_or_404(PolicyVersion, pk=pk)
    return _pdf_response(version)


def _render_editor(request, *, version, form, formset, title, action):
    return render(
        request,
        "association/policy/form.html",
        {"version": version, "form": form, "formset": formset, "title": title, "action": action},
    )


@staff_view(VIEW, CHANGE, roles=(Role.MANAGER,))
def version_edit(request, pk):
    version = get_object_or_404(PolicyVersion, pk=pk)
    if version.is_frozen:
        messages.error(request, _("An approved version cannot be edited; create a new draft from it."))
        return redirect("policy:detail", pk=version.pk)
    if request.method == "POST":
        form = PolicyVersionForm(request.POST)
        formset = SectionFormSet(request.POST, prefix="sections")
        if form.is_valid() and formset.is_valid():
            try:
                services.policy_update_draft(
                    version=version, data=form.cleaned_data, sections=formset.sections(), actor=request.user
                )
            except ValidationError as exc:
                apply_to_form(form, exc)
            else:
                messages.success(request, _("The draft was saved."))
                return redirect("policy:detail", pk=version.pk)
    else:
        form = PolicyVersionForm(initial=PolicyVersionForm.initial_for(version))
        formset = SectionFormSet(initial=section_initial(version.sections.all()), prefix="sections")
    return _render_editor(
        request,
        version=version,
        form=form,
        formset=formset,
        title=_("Edit draft version %(number)s") % {"number": version.number},
        action=request.path,
    )


@require_POST
@staff_view(VIEW, ADD, roles=(Role.MANAGER,))
@once_per_form
def version_new_draft(request, pk):
    source = get_object_or_404(PolicyVersion, pk=pk)
    try:
        draft = services.policy_new_draft(source=source, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("policy:detail", pk=source.pk)
    messages.success(request, _("Draft version %(number)s was created.") % {"number": draft.number})
    return redirect("policy:edit", pk=draft.pk)


@staff_view(VIEW, APPROVE, roles=(Role.MANAGER,))
def version_approve(request, pk):
    version = get_object_or_404(PolicyVersion, pk=pk)
    if not version.can_change_status(PolicyVersion.Status.APPROVED):
        messages.error(request, _("Only a draft can be approved."))
        return redirect("policy:detail", pk=version.pk)
    if request.method == "POST":
        form = PolicyApproveForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.policy_approve(version=version, actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                apply_to_form(form, exc)
            else:
                messages.success(
                    request, _("Version %(number)s is approved and now in force.") % {"number": version.number}
                )
                return redirect("policy:detail", pk=version.pk)
    else:
        form = PolicyApproveForm(initial=PolicyVersionForm.initial_for(version))
    context = {"version": version, "form": form, "approval_warnings": services.approval_record_warnings(version)}
    return render(request, "association/policy/approve.html", context)


@staff_view(VIEW, ADD, roles=(Role.MANAGER,))
@once_per_form
def version_import(request):
    """Upload → parsed preview to correct → save as a draft. The preview carries everything in the
    form, so nothing is stored until the manager saves."""
    from ..channels import Channel

    upload_form = PolicyImportForm()
    form = formset = None
    preview: dict = {}
    source_name = ""
    if request.method == "POST" and request.POST.get("step") == "save":
        source_name = request.POST.get("source_name", "")[:255]
        form = PolicyVersionForm(request.POST)
        formset = SectionFormSet(request.POST, prefix="sections")
        if form.is_valid() and formset.is_valid():
            try:
                version = services.policy_create_draft(
                    data=form.cleaned_data,
                    sections=formset.sections(),
                    actor=request.user,
                    source_name=source_name or "import",
                )
            except ValidationError as exc:
                apply_to_form(form, exc)
            else:
                messages.success(
                    request, _("Draft version %(number)s was created from the file.") % {"number": version.number}
                )
                return redirect("policy:detail", pk=version.pk)
    elif request.method == "POST":
        upload_form = PolicyImportForm(request.POST, request.FILES)
        if upload_form.is_valid():
            upload = upload_form.cleaned_data["file"]
            extra = dict(Channel.objects.values_list("code", "name_ar"))
            try:
                parsed = parse_file(upload.read(), upload.name, extra_channels=extra)
            except PolicyTooLarge as exc:
                upload_form.add_error("file", exc.message)
            except PolicyReadError:
                upload_form.add_error("file", _("The file could not be read. Choose a .txt, .docx or .pdf file."))
            else:
                source_name = upload.name
                form, formset = _preview_forms(parsed)
                preview = _preview_findings(parsed)
    context = {
        "upload_form": upload_form,
        "form": form,
        "formset": formset,
        "source_name": source_name,
        **preview,
    }
    return render(request, "association/policy/import.html", context)


def _preview_findings(parsed) -> dict:
    """The preview's warnings (with their source lines) and the letterhead proposal for the profile."""
    from ..profile_services import letterhead_proposal

    warnings = list(parsed.warnings)
    name_warning = services.association_name_warning(parsed)
    if name_warning is not None:
        warnings.insert(0, name_warning)
    return {"warnings": warnings, "proposal": letterhead_proposal(parsed.letterhead)}


@require_POST
@staff_view(VIEW, "association.change_associationprofile", roles=(Role.MANAGER,))
@once_per_form
def accept_letterhead(request):
    """One click: the letterhead details the import found go to the association profile and its bank
    accounts, through the profile's service (nothing else is changed)."""
    from ..profile_services import profile_accept_letterhead

    try:
        changed = profile_accept_letterhead(actor=request.user, data=request.POST)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if changed:
            messages.success(
                request, _("The association profile was updated: %(fields)s.") % {"fields": "، ".join(changed)}
            )
        else:
            messages.info(request, _("The association profile already holds these details."))
    return redirect("policy:import")


def _preview_forms(parsed):
    initial = {**parsed.version_data(), "tools": "\n".join(parsed.tools)}
    sections = [
        {**section, "paragraphs": "\n".join(section["paragraphs"]), "items": "\n".join(section["items"])}
        for section in parsed.section_data()
    ]
    return PolicyVersionForm(initial=initial), SectionFormSet(initial=sections, prefix="sections")
