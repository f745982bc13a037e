from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from association.pagination import paginate
from association.permissions import staff_view

from . import services
from .forms import BeneficiaryForm, DocumentForm, HouseholdFormSet, SearchForm, household_rows
from .models import Beneficiary, Document, SensitiveAccess
from .search import search_beneficiaries

VIEW = "beneficiaries.view_beneficiary"


def _beneficiary(public_id) -> Beneficiary:
    return get_object_or_404(Beneficiary, public_id=public_id)


def _list_queryset():
    return Beneficiary.objects.annotate(
        open_requests=Count("requests", filter=~Q(requests__status__in=["closed", "withdrawn", "rejected"]))
    ).order_by("-created_at", "-pk")


@staff_view(VIEW, "beneficiaries.add_beneficiary")
def desk(request):
    """The relations officer's intake desk: search first, then open or register."""
    form = SearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    results = paginate(request, search_beneficiaries(_list_queryset(), query)) if query else None
    context = {"form": form, "query": query, "page": results}
    if request.htmx:
        return render(request, "beneficiaries/_search_results.html", context)
    from channels_log.models import ContactEntry

    context["recent_contacts"] = (
        ContactEntry.objects.filter(recorded_by=request.user).select_related("channel", "beneficiary")[:8]
    )
    context["recent_beneficiaries"] = Beneficiary.objects.filter(created_by=request.user).order_by("-created_at")[:8]
    return render(request, "beneficiaries/desk.html", context)


@staff_view(VIEW)
def beneficiary_list(request):
    form = SearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    queryset = search_beneficiaries(_list_queryset(), query) if query else _list_queryset()
    page = paginate(request, queryset)
    template = "beneficiaries/_list_table.html" if request.htmx else "beneficiaries/list.html"
    return render(request, template, {"form": form, "query": query, "page": page})


@staff_view(VIEW, "beneficiaries.add_beneficiary")
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
                form.add_error(None, exc)
            else:
                messages.success(request, _("%(name)s is registered.") % {"name": beneficiary.full_name})
                return redirect(beneficiary)
    else:
        form = BeneficiaryForm(initial={"nationality": "سعودي"})
        household = HouseholdFormSet(prefix="household")
    return render(
        request, "beneficiaries/form.html", {"form": form, "household": household, "duplicates": duplicates}
    )


@staff_view(VIEW, "beneficiaries.change_beneficiary")
def beneficiary_edit(request, public_id):
    beneficiary = _beneficiary(public_id)
    initial_household = list(
        beneficiary.household.values("relation", "name", "national_id", "birth_date", "monthly_income", "health_notes")
    )
    if request.method == "POST":
        form = BeneficiaryForm(request.POST, instance=beneficiary, editing=True)
        household = HouseholdFormSet(request.POST, prefix="household", initial=initial_household)
        if form.is_valid() and household.is_valid():
            try:
                services.beneficiary_update(
                    beneficiary=beneficiary, actor=request.user,
                    data=form.profile_data(), household=household_rows(household) if household.has_changed() else None,
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("The changes are saved."))
                return redirect(beneficiary)
    else:
        form = BeneficiaryForm(instance=beneficiary, editing=True)
        household = HouseholdFormSet(prefix="household", initial=initial_household)
    return render(
        request, "beneficiaries/form.html", {"form": form, "household": household, "beneficiary": beneficiary}
    )


def _detail_context(request, beneficiary, document_form=None) -> dict:
    from channels_log.models import ContactEntry

    return {
        "beneficiary": beneficiary,
        "household": beneficiary.household.all(),
        "documents": beneficiary.documents.select_related("document_type", "supplied_by", "verified_by"),
        "consents": beneficiary.consents.all(),
        "requests": beneficiary.requests.select_related("service_type", "channel")[:20],
        "contacts": ContactEntry.objects.filter(beneficiary=beneficiary).select_related("channel", "recorded_by")[:20],
        "document_form": document_form or DocumentForm(),
        "can_reveal": request.user.has_perm("beneficiaries.view_sensitive"),
    }


@staff_view(VIEW)
def beneficiary_detail(request, public_id):
    beneficiary = _beneficiary(public_id)
    return render(request, "beneficiaries/detail.html", _detail_context(request, beneficiary))


@require_POST
@staff_view(VIEW, "beneficiaries.view_sensitive")
def reveal(request, public_id, field):
    """Show one sensitive field in full, and log that this user saw it."""
    beneficiary = _beneficiary(public_id)
    if field not in SensitiveAccess.Field.values or field == SensitiveAccess.Field.DOCUMENT:
        raise Http404
    services.sensitive_reveal(beneficiary=beneficiary, field=field, actor=request.user)
    return render(request, "beneficiaries/_revealed.html", {"beneficiary": beneficiary, "field": field})


@require_POST
@staff_view(VIEW, "beneficiaries.add_document")
def document_upload(request, public_id):
    beneficiary = _beneficiary(public_id)
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.document_add(
                beneficiary=beneficiary, actor=request.user, document_type=form.cleaned_data["document_type"],
                uploaded_file=form.cleaned_data["file"], note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
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


@staff_view(VIEW, "beneficiaries.view_document")
def document_file(request, pk):
    """Serve a document through the app (never a public media URL), logging the access."""
    document = get_object_or_404(Document.objects.select_related("beneficiary"), pk=pk)
    if not request.user.has_perm("beneficiaries.view_sensitive"):
        raise PermissionDenied
    SensitiveAccess.objects.create(
        beneficiary=document.beneficiary, user=request.user, field=SensitiveAccess.Field.DOCUMENT
    )
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=document.content_type)
    response["Content-Disposition"] = f'inline; filename="document-{document.pk}"'
    response["Cache-Control"] = "no-store"
    return response
