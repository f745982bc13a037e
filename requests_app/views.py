from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from association.pagination import paginate
from association.permissions import staff_view
from beneficiaries.models import Beneficiary

from . import services
from .forms import DraftRequestForm
from .models import ServiceType, SupportRequest

VIEW = "requests_app.view_supportrequest"


@staff_view(VIEW, "requests_app.add_supportrequest")
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
            form.add_error(None, exc)
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


@staff_view(VIEW)
def request_detail(request, pk):
    support_request = get_object_or_404(
        SupportRequest.objects.select_related("beneficiary", "service_type", "channel", "created_by"), pk=pk
    )
    return render(
        request,
        "requests_app/request_detail.html",
        {
            "support_request": support_request,
            "checklist": services.required_documents_checklist(
                beneficiary=support_request.beneficiary, service_type=support_request.service_type
            ),
            "status_changes": support_request.status_changes.select_related("actor"),
            "contacts": support_request.contacts.select_related("channel", "recorded_by"),
        },
    )


@staff_view(VIEW)
def request_list(request):
    queryset = SupportRequest.objects.select_related("beneficiary", "service_type", "channel")
    status = request.GET.get("status")
    if status in SupportRequest.Status.values:
        queryset = queryset.filter(status=status)
    return render(
        request,
        "requests_app/request_list.html",
        {"page": paginate(request, queryset), "statuses": SupportRequest.Status.choices, "selected_status": status},
    )
