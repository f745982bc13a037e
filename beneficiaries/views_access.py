"""The managers' review of who saw sensitive data: the access log, filtered, paginated, exported."""

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_POST

from association.kernel.http import no_store
from association.kernel.pagination import paginate
from association.kernel.permissions import staff_view
from association.kernel.spreadsheets import XLSX_CONTENT_TYPE

from . import services
from .forms import AccessLogFilterForm, ExportLogFilterForm
from .models import Beneficiary
from .selectors import export_list, sensitive_access_list


def _filtered(data):
    form = AccessLogFilterForm(data or None)
    filters = form.filters()
    person = None
    if filters.get("beneficiary"):
        person = Beneficiary.objects.filter(public_id=filters["beneficiary"]).first()
    return form, filters, person


@staff_view(services.ACCESS_LOG_PERMISSION)
def access_log(request):
    form, filters, person = _filtered(request.GET)
    page = paginate(request, sensitive_access_list(filters=filters))
    return render(
        request, "beneficiaries/access_log.html", {"form": form, "page": page, "person": person, "filters": filters}
    )


@no_store
@require_POST
@staff_view(services.ACCESS_LOG_PERMISSION)
def access_log_export(request):
    """The rows the page shows (its filters travel in the POST body), as a workbook; logged."""
    _form, filters, _person = _filtered(request.POST)
    content = services.sensitive_access_export(actor=request.user, filters=filters)
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="access-log-{stamp}.xlsx"'
    return response


def _exports_filtered(data):
    form = ExportLogFilterForm(data or None)
    return form, form.filters()


@staff_view(*services.EXPORT_LOG_PERMISSIONS)
def export_log(request):
    """The second half of the review: every export (bulk, one person's data, these logs) and import."""
    form, filters = _exports_filtered(request.GET)
    page = paginate(request, export_list(filters=filters))
    return render(request, "beneficiaries/export_log.html", {"form": form, "page": page})


@no_store
@require_POST
@staff_view(*services.EXPORT_LOG_PERMISSIONS)
def export_log_export(request):
    _form, filters = _exports_filtered(request.POST)
    content = services.export_log_export(actor=request.user, filters=filters)
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="exports-log-{stamp}.xlsx"'
    return response
