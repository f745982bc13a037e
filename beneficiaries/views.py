from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from import_export.formats.base_formats import XLSX

from association.branches import Branch
from association.kernel import memo, registry
from association.kernel.errors import apply_to_form
from association.kernel.form_tokens import once_per_form
from association.kernel.http import no_store
from association.kernel.pagination import keyset_paginate, paginate
from association.kernel.permissions import staff_view

from . import importing, selectors, services
from .forms import BeneficiaryForm, DocumentForm, HouseholdFormSet, SearchForm, household_initial, household_rows
from .models import Beneficiary, Consent, Document, ImportRun, SensitiveAccess

VIEW = "beneficiaries.view_beneficiary"


def _beneficiary(public_id) -> Beneficiary:
    try:
        return selectors.beneficiary_get(public_id=public_id)
    except Beneficiary.DoesNotExist:
        raise Http404 from None


def _search(request, columns):
    """The search form and its page of results.

    The query travels in a POST body, never in the URL: an ID number or a mobile typed into it would
    otherwise land in the browser history and in the proxy's and gunicorn's access logs (DESIGN.md,
    data protection). Searching changes nothing; POST is only the envelope. Result pages are asked
    for with the same POST (``page`` beside ``q``).
    """
    form = SearchForm(request.POST if request.method == "POST" else None)
    query = form.cleaned_data["q"].strip() if form.is_bound and form.is_valid() else ""
    if not query:
        return form, "", None
    page = selectors.beneficiary_search_page(query=query, page=request.POST.get("page"), columns=columns)
    return form, query, selectors.with_column_values(page, columns)


def _render_panels(request, beneficiary, panels) -> list[str]:
    """Each provider's card, drawn with its own template and context (and the request's: ``perms``)."""
    return [
        render_to_string(panel.template, {"beneficiary": beneficiary, **panel.context}, request=request)
        for panel in panels
    ]


@require_http_methods(["GET", "POST"])
@staff_view(VIEW, "beneficiaries.add_beneficiary")
def desk(request):
    """The relations officer's intake desk: search first, then open or register."""
    columns = selectors.beneficiary_list_columns(user=request.user)
    form, query, results = _search(request, columns)
    context = {
        "form": form,
        "query": query,
        "page": results,
        "columns": columns,
        "search_url": reverse("beneficiaries:desk"),
        "search_target": "#search-results",
    }
    if request.htmx:
        return render(request, "beneficiaries/_search_results.html", context)
    context["recent_beneficiaries"] = selectors.desk_recent_registrations(user=request.user)
    # Other apps' cards and buttons (kernel registry: desk_panels, beneficiary_actions with no beneficiary).
    context["panels"] = _render_panels(request, None, registry.collect("desk_panels", user=request.user))
    context["actions"] = registry.collect("beneficiary_actions", beneficiary=None, user=request.user)
    return render(request, "beneficiaries/desk.html", context)


@require_http_methods(["GET", "POST"])
@staff_view(VIEW)
def beneficiary_list(request):
    columns = selectors.beneficiary_list_columns(user=request.user)
    form, query, page = _search(request, columns)
    branch = request.GET.get("branch", "")
    if not query:
        page = selectors.with_column_values(
            keyset_paginate(request, selectors.beneficiary_list(columns=columns, branch=branch)), columns
        )
    context = {
        "branches": memo.table_rows(Branch.objects.all()),
        "selected_branch": branch,
        "form": form,
        "query": query,
        "page": page,
        "columns": columns,
        "search_url": reverse("beneficiaries:list"),
        "search_target": "#list",
    }
    template = "beneficiaries/_list_table.html" if request.htmx else "beneficiaries/list.html"
    return render(request, template, context)


@no_store  # a form sent back with an error carries the ID and IBAN just typed
@staff_view(VIEW, "beneficiaries.add_beneficiary")
@once_per_form
def beneficiary_register(request):
    duplicates = []
    if request.method == "POST":
        form = BeneficiaryForm(request.POST)
        household = HouseholdFormSet(request.POST, prefix="household")
        if form.is_valid() and household.is_valid():
            try:
                beneficiary = services.beneficiary_register(
                    actor=request.user,
                    data=form.profile_data(),
                    household=household_rows(household),
                    consents=form.cleaned_data["consents"],
                    confirm_duplicate=form.cleaned_data["confirm_duplicate"],
                )
            except services.PossibleDuplicate as exc:
                duplicates = exc.matches
                form.add_error("confirm_duplicate", _("Similar records exist: check them, then confirm."))
            except ValidationError as exc:
                _add_errors(form, household, exc)
            else:
                messages.success(request, _("%(name)s is registered.") % {"name": beneficiary.full_name})
                return redirect(beneficiary)
    else:
        form = BeneficiaryForm(initial={"nationality": "سعودي"})
        household = HouseholdFormSet(prefix="household")
    return render(request, "beneficiaries/form.html", {"form": form, "household": household, "duplicates": duplicates})


@no_store
@staff_view(VIEW, "beneficiaries.change_beneficiary")
def beneficiary_edit(request, public_id):
    """Edit the profile and household. Recorded IDs, IBAN and notes stay masked (see ``BeneficiaryForm``);
    a save from a form opened before someone else's save is refused, with their changes shown."""
    beneficiary = _beneficiary(public_id)
    members = list(beneficiary.household.order_by("pk"))
    formset_kwargs = {
        "prefix": "household",
        "initial": household_initial(members),
        "form_kwargs": {"recorded": {m.pk: m for m in members}},
    }
    # The form works on its own copy: the page's title and "Show" buttons keep the recorded values.
    editable = Beneficiary.objects.get(pk=beneficiary.pk)
    conflict = None
    if request.method == "POST":
        form = BeneficiaryForm(request.POST, instance=editable, editing=True)
        household = HouseholdFormSet(request.POST, **formset_kwargs)
        if form.is_valid() and household.is_valid():
            try:
                services.beneficiary_update(
                    beneficiary=beneficiary,
                    actor=request.user,
                    expected_version=form.cleaned_data["version"],
                    data=form.profile_data(),
                    household=household_rows(household),
                )
            except services.EditConflict as exc:
                # Nothing was saved; the entries stay. The form now carries the current version, so
                # saving again (after checking the changes listed) is a decision, not an accident.
                conflict = exc
                data = request.POST.copy()
                data["version"] = str(exc.current_version)
                form = BeneficiaryForm(data, instance=Beneficiary.objects.get(pk=beneficiary.pk), editing=True)
                form.is_valid()
                form.add_error(None, exc)
            except ValidationError as exc:
                _add_errors(form, household, exc)
            else:
                messages.success(request, _("The changes are saved."))
                return redirect(beneficiary)
    else:
        form = BeneficiaryForm(instance=editable, editing=True)
        household = HouseholdFormSet(**formset_kwargs)
    return render(
        request,
        "beneficiaries/form.html",
        {
            "form": form,
            "household": household,
            "beneficiary": beneficiary,
            "conflict": conflict,
            "can_reveal": services.sensitive_access_allowed(actor=request.user, beneficiary=beneficiary),
        },
        status=409 if conflict else 200,
    )


def _add_errors(form, household, exc: ValidationError) -> None:
    """A service error next to its field; household errors above the household rows."""
    errors = dict(getattr(exc, "error_dict", {}))
    if "household" in errors:
        household._non_form_errors.extend(ValidationError(errors.pop("household")).messages)
        if not errors:
            return
        exc = ValidationError(errors)
    apply_to_form(form, exc)


def _detail_context(request, beneficiary, document_form=None) -> dict:
    context = selectors.beneficiary_detail(beneficiary=beneficiary, user=request.user)
    context["panels"] = _render_panels(request, beneficiary, context["panels"])
    context.update(
        beneficiary=beneficiary,
        document_form=document_form or DocumentForm(),
        can_reveal=services.sensitive_access_allowed(actor=request.user, beneficiary=beneficiary),
    )
    recorded = {consent.purpose for consent in context["consents"]}
    # The purposes never recorded, so a consent can be given from the page as well as withdrawn.
    context["consent_missing"] = [(value, label) for value, label in Consent.Purpose.choices if value not in recorded]
    return context


@staff_view(VIEW)
def beneficiary_detail(request, public_id):
    beneficiary = _beneficiary(public_id)
    return render(request, "beneficiaries/detail.html", _detail_context(request, beneficiary))


@staff_view(VIEW)
def beneficiary_timeline(request, public_id):
    """Everything recorded about the person, newest first, from every app (kernel registry slot ``timeline``)."""
    beneficiary = _beneficiary(public_id)
    items = selectors.beneficiary_timeline(beneficiary=beneficiary, user=request.user)
    return render(
        request, "beneficiaries/timeline.html", {"beneficiary": beneficiary, "page": paginate(request, items)}
    )


REVEALABLE = (SensitiveAccess.Field.NATIONAL_ID, SensitiveAccess.Field.IBAN, SensitiveAccess.Field.HEALTH)


@no_store
@require_POST
@staff_view(VIEW)
def reveal(request, public_id, field):
    """Show one sensitive field in full, and log that this user saw it (the service says who may)."""
    beneficiary = _beneficiary(public_id)
    if field not in REVEALABLE:
        raise Http404
    services.sensitive_reveal(beneficiary=beneficiary, field=field, actor=request.user)
    return render(request, "beneficiaries/_revealed.html", {"beneficiary": beneficiary, "field": field})


@no_store
@require_POST
@staff_view(VIEW, "beneficiaries.view_householdmember")
def reveal_member(request, public_id, pk):
    """A household member's ID and health notes in full, logged like the beneficiary's own."""
    beneficiary = _beneficiary(public_id)
    member = get_object_or_404(beneficiary.household, pk=pk)
    services.sensitive_reveal(
        beneficiary=beneficiary, field=SensitiveAccess.Field.HOUSEHOLD, actor=request.user, item=member.name
    )
    return render(request, "beneficiaries/_member_revealed.html", {"member": member})


@staff_view(VIEW)
def beneficiary_history(request, public_id):
    """Every saved edit of the file: who changed which field from what to what (sensitive: changed)."""
    beneficiary = _beneficiary(public_id)
    page = paginate(request, beneficiary.changes.select_related("actor"))
    return render(request, "beneficiaries/history.html", {"beneficiary": beneficiary, "page": page})


@require_POST
@staff_view(VIEW, "beneficiaries.add_document")
@once_per_form
def document_upload(request, public_id):
    beneficiary = _beneficiary(public_id)
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.document_add(
                beneficiary=beneficiary,
                actor=request.user,
                document_type=form.cleaned_data["document_type"],
                uploaded_file=form.cleaned_data["file"],
                note=form.cleaned_data["note"],
                issued_on=form.cleaned_data["issued_on"],
                expires_on=form.cleaned_data["expires_on"],
            )
        except ValidationError as exc:
            apply_to_form(form, exc)
    if form.errors:
        return render(request, "beneficiaries/detail.html", _detail_context(request, beneficiary, form), status=400)
    messages.success(request, _("The document is received."))
    return redirect(beneficiary.get_absolute_url() + "#documents")


@require_POST
@staff_view(VIEW, "beneficiaries.verify_document")
def document_verify(request, pk):
    document = get_object_or_404(Document.objects.select_related("beneficiary"), pk=pk)
    services.document_verify(document=document, actor=request.user)
    messages.success(request, _("The document is marked as verified against the original."))
    return redirect(document.beneficiary.get_absolute_url() + "#documents")


@no_store
@staff_view(VIEW, "beneficiaries.view_document")
def document_file(request, pk):
    """Serve a document through the app (never a public media URL), logging the access."""
    document = get_object_or_404(Document.objects.select_related("beneficiary", "document_type"), pk=pk)
    services.sensitive_reveal(
        beneficiary=document.beneficiary,
        field=SensitiveAccess.Field.DOCUMENT,
        actor=request.user,
        item=f"{document.document_type} #{document.pk}",
    )
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=document.content_type)
    response["Content-Disposition"] = f'inline; filename="document-{document.pk}"'
    return response


# --- bulk import and export ---------------------------------------------------------------------

IMPORT = "beneficiaries.import_beneficiary"
IMPORT_SESSION_KEY = "beneficiary_import"
# The preview lists every bad row; a page holds this many so a 5,000-row file stays readable.
PREVIEW_PAGE_SIZE = 250


def _discard_import(request) -> None:
    stash = request.session.pop(IMPORT_SESSION_KEY, None)
    if stash:
        importing.stash_discard(stash.get("token", ""))


@staff_view(IMPORT)
def import_upload(request):
    """Upload a file; it is kept privately under a random name bound to this session, then previewed."""
    if request.method == "POST":
        form = importing.UploadForm(request.POST, request.FILES)
        if form.is_valid():
            _discard_import(request)
            request.session[IMPORT_SESSION_KEY] = {
                "token": importing.stash_upload(form.content),
                "name": form.cleaned_data["file"].name[:200],
            }
            return redirect("beneficiaries:import_preview")
    else:
        form = importing.UploadForm()
    can_export = request.user.has_perms(services.EXPORT_PERMISSIONS)
    return render(
        request,
        "beneficiaries/import_upload.html",
        {
            "form": form,
            "pending": request.session.get(IMPORT_SESSION_KEY),
            "export_form": importing.ExportForm() if can_export else None,
        },
    )


@staff_view(IMPORT)
def import_preview(request):
    """The dry run: counts, and every bad row with its line number and the reasons per column."""
    stash = request.session.get(IMPORT_SESSION_KEY)
    if not stash:
        messages.info(request, _("Upload a file to import."))
        return redirect("beneficiaries:import")
    try:
        content = importing.stash_read(stash["token"])
        dataset = importing.read_dataset(content, importing.file_format_for(stash["name"]))
        preview = importing.import_preview(dataset)
    except ValidationError as exc:
        _discard_import(request)
        messages.error(request, " ".join(exc.messages))
        return redirect("beneficiaries:import")
    return render(
        request,
        "beneficiaries/import_preview.html",
        {
            "preview": preview,
            "page": paginate(request, preview.problems, per_page=PREVIEW_PAGE_SIZE),
            "file_name": stash["name"],
            "confirm_form": importing.ConfirmForm(initial={"expected_rows": preview.valid}),
        },
    )


@require_POST
@staff_view(IMPORT)
def import_confirm(request):
    """Import the valid rows of the file kept in the session (never rows sent back by the browser)."""
    stash = request.session.get(IMPORT_SESSION_KEY)
    if not stash:
        messages.info(request, _("Upload a file to import."))
        return redirect("beneficiaries:import")
    form = importing.ConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("There are no valid rows to import."))
        return redirect("beneficiaries:import_preview")
    try:
        run = services.beneficiary_import_start(
            actor=request.user,
            token=stash["token"],
            file_name=stash["name"],
            expected_rows=form.cleaned_data["expected_rows"],
        )
    except ValidationError as exc:
        _discard_import(request)
        messages.error(request, " ".join(exc.messages))
        return redirect("beneficiaries:import")
    return redirect("beneficiaries:import_run", pk=run.pk)


@staff_view(IMPORT)
def import_run(request, pk: int):
    """A confirmed import as a worker runs it: rows checked of the total, then the outcome. The page asks
    again every second (htmx) until the run is finished. Only the person who confirmed it sees it."""
    try:
        run = selectors.import_run_get(user=request.user, pk=pk)
    except ImportRun.DoesNotExist:
        raise Http404 from None
    stash = request.session.get(IMPORT_SESSION_KEY) or {}
    if run.status == ImportRun.Status.DONE and stash.get("token") == run.token:
        request.session.pop(IMPORT_SESSION_KEY, None)  # the worker removed the file; the preview is over
    context = {"run": run, "can_retry": run.status == ImportRun.Status.FAILED and stash.get("token") == run.token}
    template = "beneficiaries/_import_run.html" if request.htmx else "beneficiaries/import_run.html"
    return render(request, template, context)


@require_POST
@staff_view(IMPORT)
def import_cancel(request):
    _discard_import(request)
    messages.info(request, _("The uploaded file is discarded."))
    return redirect("beneficiaries:import")


@staff_view(IMPORT)
def import_template(request):
    """An empty workbook with the column headers."""
    response = HttpResponse(importing.template_workbook(), content_type=XLSX.CONTENT_TYPE)
    response["Content-Disposition"] = 'attachment; filename="beneficiaries-template.xlsx"'
    return response


@no_store
@require_POST
@staff_view(*services.EXPORT_PERMISSIONS)
def beneficiary_export(request):
    """Every beneficiary with full values: a logged action for managers and admins."""
    form = importing.ExportForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("Choose Excel (.xlsx) or CSV."))
    file_format = form.cleaned_data["file_format"]
    content = services.beneficiary_export(
        actor=request.user,
        queryset=Beneficiary.objects.order_by("pk"),
        file_format=file_format,
        for_partner=form.cleaned_data["for_partner"],
    )
    content_type = XLSX.CONTENT_TYPE if file_format == "xlsx" else "text/csv; charset=utf-8"
    response = HttpResponse(content, content_type=content_type)
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="beneficiaries-{stamp}.{file_format}"'
    response["Cache-Control"] = "no-store"
    return response
