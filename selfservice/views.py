"""The beneficiaries' side at /my/: phone-first pages that work without JavaScript (the signature pad is the
one exception). Signing in (``access``) opens a session of its own; every page after that shows only the
signed-in applicant's records (``selectors``' scoped getters: someone else's record is a 404)."""

from django.core import signing
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from association.kernel.client import client_address
from association.kernel.errors import apply_to_form
from association.kernel.pagination import paginate
from beneficiaries.forms import HouseholdFormSet, household_rows
from beneficiaries.privacy.services import subject_copy

from . import access, selectors, services
from .forms import (
    AppealForm,
    ApplyForm,
    CodeForm,
    ConsentWithdrawForm,
    CorrectionForm,
    IdDigitsForm,
    MessageForm,
    MobileForm,
    SelfRegistrationForm,
    UploadForm,
)
from .guard import PREFIX, applicant_view, safe_next, set_session_cookie

PENDING = "my_pending"  # the mobile a code was sent to, signed, while the code is typed
PENDING_SALT = "selfservice.pending"


def _render(request, template, context, form=None):
    bad = form is not None and request.method == "POST" and form.errors
    return render(request, f"selfservice/{template}", context, status=400 if bad else 200)


# ---- signing in ---------------------------------------------------------------------------------------------


@never_cache
def sign_in(request):
    form = MobileForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        mobile = form.cleaned_data["mobile"]
        result = access.code_request(mobile=mobile, client_address=client_address(request))
        if result.outcome == "limited":
            return render(request, "selfservice/too_many.html", status=429)
        response = redirect(reverse("selfservice:code") + _next_query(request))
        response.set_signed_cookie(
            PENDING, mobile, salt=PENDING_SALT, max_age=600, path=PREFIX, httponly=True, samesite="Lax"
        )
        return response
    return _render(request, "sign_in.html", {"form": form, "next": request.GET.get("next", "")}, form)


def _next_query(request) -> str:
    target = request.GET.get("next") or request.POST.get("next")
    return f"?next={signing.Signer().sign(safe_next(target))}" if target else ""


def _pending_mobile(request) -> str | None:
    return request.get_signed_cookie(PENDING, default=None, salt=PENDING_SALT, max_age=600)


def _next_from_query(request) -> str:
    try:
        return safe_next(signing.Signer().unsign(request.GET.get("next", "")))
    except signing.BadSignature:
        return safe_next(None)


@never_cache
def code(request):
    mobile = _pending_mobile(request)
    if not mobile:
        return redirect("selfservice:sign_in")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        applicant = access.code_verify(
            mobile=mobile, code=form.cleaned_data["code"], client_address=client_address(request)
        )
        if applicant is not None:
            response = redirect(_next_from_query(request))
            set_session_cookie(
                response, access.session_start(applicant=applicant, client_address=client_address(request))
            )
            response.delete_cookie(PENDING, path=PREFIX)
            return response
        form.add_error("code", _("The code is wrong or no longer valid. Check it, or ask for a new one."))
    wait = request.GET.get("wait", "")
    context = {
        "form": form,
        "mobile_end": mobile[-4:],
        "resent": request.GET.get("resent") == "1",
        "wait": int(wait) if wait.isdigit() and len(wait) < 4 else 0,
        "query": request.GET.urlencode(),
    }
    return _render(request, "code.html", context, form)


@never_cache
@require_POST
def code_resend(request):
    mobile = _pending_mobile(request)
    if not mobile:
        return redirect("selfservice:sign_in")
    result = access.code_request(mobile=mobile, client_address=client_address(request))
    if result.outcome == "limited":
        return render(request, "selfservice/too_many.html", status=429)
    # Back to the code page (where the code is typed), keeping where to go after signing in.
    query = request.GET.copy()
    query.pop("resent", None)
    query.pop("wait", None)
    if result.outcome == "sent":
        query["resent"] = "1"
    else:
        query["wait"] = str(result.seconds)
    return redirect(reverse("selfservice:code") + "?" + query.urlencode())


@require_POST
@applicant_view
def sign_out(request):
    access.session_end(request.applicant_session)
    response = redirect("selfservice:sign_in")
    response.delete_cookie(access.COOKIE, path=PREFIX)
    return response


@applicant_view
def id_check(request):
    form = IdDigitsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if access.id_check(session=request.applicant_session, last_four=form.cleaned_data["last_four"]):
            return redirect(safe_next(request.GET.get("next")))
        if request.applicant_session.ended_at is not None:
            response = redirect("selfservice:sign_in")
            response.delete_cookie(access.COOKIE, path=PREFIX)
            return response
        form.add_error("last_four", _("These digits do not match the ID number on your file."))
    return _render(request, "id_check.html", {"form": form}, form)


# ---- home and applying ----------------------------------------------------------------------------------------


@applicant_view
def home(request):
    applicant = request.applicant
    requests = paginate(request, selectors.applicant_requests(applicant), per_page=10)
    for support_request in requests:
        support_request.plain_status = selectors.plain_status(support_request)
    context = {
        "applicant": applicant,
        "requests": requests,
        "cases_open": selectors.applicant_cases(applicant).exclude(status="closed").count(),
        "invitations": selectors.open_invitations(applicant).count(),
    }
    return render(request, "selfservice/home.html", context)


@applicant_view
def services_list(request):
    return render(request, "selfservice/services.html", {"services": selectors.published_services()})


@applicant_view
def register(request):
    applicant = request.applicant
    if applicant.beneficiary_id is not None or applicant.desk_case_id is not None:
        return redirect("selfservice:home")
    form = SelfRegistrationForm(request.POST or None)
    household = HouseholdFormSet(request.POST or None, prefix="household")
    if request.method == "POST" and form.is_valid() and household.is_valid():
        try:
            services.application_register(
                applicant=applicant,
                data=form.profile_data(),
                household=household_rows(household),
                consents=form.cleaned_data["consents"],
            )
        except ValidationError as exc:
            apply_to_form(form, exc)
        else:
            return redirect(safe_next(request.GET.get("next")))
    bad = request.method == "POST" and (form.errors or household.total_error_count())
    context = {"form": form, "household": household}
    return render(request, "selfservice/register.html", context, status=400 if bad else 200)


@applicant_view
def apply(request, pk):
    from requests_app.models import ServiceType

    applicant = request.applicant
    service_type = get_object_or_404(ServiceType, pk=pk, is_active=True)
    if applicant.beneficiary_id is None:
        if applicant.desk_case_id is not None:
            return redirect("selfservice:home")
        return redirect(reverse("selfservice:register") + f"?next={request.path}")
    supplied = set(applicant.beneficiary.documents.values_list("document_type_id", flat=True))
    form = ApplyForm(request.POST or None, request.FILES or None, service_type=service_type, supplied=supplied)
    if request.method == "POST" and form.is_valid():
        try:
            support_request = services.application_submit(
                applicant=applicant,
                service_type=service_type,
                description=form.cleaned_data["description"],
                files=form.files_by_type(),
                issued=form.issued_by_type(),
                signature_data=form.cleaned_data["signature_data"],
            )
        except ValidationError as exc:
            apply_to_form(form, exc, field_map={"service_type": None, "signature_data": "signature_data"})
        else:
            return redirect("selfservice:request", pk=support_request.pk)
    from requests_app.services import DECLARATION_TEXTS, DECLARATION_VERSION

    context = {"form": form, "service": service_type, "declaration_text": DECLARATION_TEXTS[DECLARATION_VERSION]}
    return _render(request, "apply.html", context, form)


# ---- following a request --------------------------------------------------------------------------------------


def _request_context(request, support_request, **extra):
    page = selectors.request_page(request.applicant, support_request)
    return {
        "page": page,
        "upload_form": UploadForm(document_types=page.missing_documents + page.waiting_documents),
        "appeal_form": AppealForm(),
        **extra,
    }


@applicant_view
def request_detail(request, pk):
    support_request = selectors.request_for(request.applicant, pk)
    return render(request, "selfservice/request.html", _request_context(request, support_request))


@require_POST
@applicant_view
def request_upload(request, pk):
    from beneficiaries.models import DocumentType

    support_request = selectors.request_for(request.applicant, pk)
    page = selectors.request_page(request.applicant, support_request)
    types = page.missing_documents + page.waiting_documents
    form = UploadForm(request.POST, request.FILES, document_types=types)
    if form.is_valid():
        document_type = get_object_or_404(DocumentType, pk=form.cleaned_data["document_type"])
        try:
            services.document_upload(
                applicant=request.applicant,
                support_request=support_request,
                document_type=document_type,
                uploaded_file=form.cleaned_data["file"],
                issued_on=form.cleaned_data.get("issued_on"),
            )
        except ValidationError as exc:
            apply_to_form(form, exc)
        else:
            return redirect("selfservice:request", pk=pk)
    context = _request_context(request, support_request, upload_form=form)
    return render(request, "selfservice/request.html", context, status=400)


@require_POST
@applicant_view
def request_appeal(request, pk):
    support_request = selectors.request_for(request.applicant, pk)
    form = AppealForm(request.POST)
    if form.is_valid():
        try:
            services.appeal_send(
                applicant=request.applicant, support_request=support_request, text=form.cleaned_data["text"]
            )
        except ValidationError as exc:
            apply_to_form(form, exc)
        else:
            return redirect("selfservice:request", pk=pk)
    context = _request_context(request, support_request, appeal_form=form)
    return render(request, "selfservice/request.html", context, status=400)


@require_POST
@applicant_view
def receipt_confirm(request, pk, delivery_pk):
    delivery = selectors.delivery_for(request.applicant, pk, delivery_pk)
    services.receipt_confirm(applicant=request.applicant, delivery=delivery)
    return redirect("selfservice:request", pk=pk)


PDF_KINDS = ("acknowledgment", "decision", "declaration")


@applicant_view(sensitive=True)
def request_pdf(request, pk, kind):
    from requests_app import documents
    from requests_app.models import CommitteeDecision, Declaration, SupportRequest

    if kind not in PDF_KINDS:
        raise Http404
    support_request = selectors.request_for(request.applicant, pk)
    render_pdf = {
        "acknowledgment": documents.acknowledgment_pdf,
        "decision": documents.decision_pdf,
        "declaration": documents.declaration_pdf,
    }[kind]
    try:
        content, name = render_pdf(support_request.pk)
    except (SupportRequest.DoesNotExist, CommitteeDecision.DoesNotExist, Declaration.DoesNotExist):
        raise Http404 from None
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# ---- being heard ----------------------------------------------------------------------------------------------


@applicant_view
def messages_list(request):
    context = {
        "cases": paginate(request, selectors.applicant_cases(request.applicant), per_page=10),
        "invitations": list(selectors.open_invitations(request.applicant)[:20]),
    }
    return render(request, "selfservice/messages.html", context)


@applicant_view
def message_new(request):
    form = MessageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.message_send(applicant=request.applicant, **form.cleaned_data)
        except ValidationError as exc:
            apply_to_form(form, exc)
        else:
            return redirect("selfservice:message", pk=case.pk)
    return _render(request, "message_new.html", {"form": form}, form)


@applicant_view
def message_detail(request, pk):
    case = selectors.case_for(request.applicant, pk)
    return render(request, "selfservice/message.html", {"case": case})


# ---- their data -------------------------------------------------------------------------------------------------


def _data_context(request, **extra):
    beneficiary = request.applicant.beneficiary
    reveal = request.GET.get("show") == "1"
    context = {
        "rows": selectors.profile_rows(beneficiary, reveal=reveal) if beneficiary else [],
        "household": list(beneficiary.household.order_by("pk")) if beneficiary else [],
        "consents": list(beneficiary.consents.order_by("purpose")) if beneficiary else [],
        "reveal": reveal,
        "correction_form": CorrectionForm(),
        "consent_form": ConsentWithdrawForm(),
        **extra,
    }
    return context


@applicant_view(sensitive=True)
def data(request):
    return render(request, "selfservice/data.html", _data_context(request))


@require_POST
@applicant_view(sensitive=True)
def data_correction(request):
    form = CorrectionForm(request.POST)
    if form.is_valid():
        try:
            case = services.correction_request(applicant=request.applicant, details=form.cleaned_data["details"])
        except ValidationError as exc:
            apply_to_form(form, exc)
        else:
            return redirect("selfservice:message", pk=case.pk)
    return render(request, "selfservice/data.html", _data_context(request, correction_form=form), status=400)


@require_POST
@applicant_view(sensitive=True)
def data_consent(request):
    form = ConsentWithdrawForm(request.POST)
    if form.is_valid():
        try:
            services.consent_withdraw(applicant=request.applicant, purpose=form.cleaned_data["purpose"])
        except ValidationError as exc:
            apply_to_form(form, exc, field_map={"__all__": "purpose"})
        else:
            return redirect("selfservice:data")
    return render(request, "selfservice/data.html", _data_context(request, consent_form=form), status=400)


def _data_copy(request, file_format: str):
    """Their copy: the same content as the staff's export of their data (beneficiaries.privacy), logged as
    their own download."""
    beneficiary = request.applicant.beneficiary
    if beneficiary is None:
        raise Http404
    content, _name = subject_copy(beneficiary=beneficiary, file_format=file_format)
    content_type = "application/pdf" if file_format == "pdf" else "application/json; charset=utf-8"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="my-data.{file_format}"'
    return response


@applicant_view(sensitive=True)
def data_download(request):
    return _data_copy(request, "json")


@applicant_view(sensitive=True)
def data_download_pdf(request):
    return _data_copy(request, "pdf")
