"""What the signed-in applicant does at /my/. The signed-in session is the key (``access``): each service takes
the applicant and touches only their own records; the rules themselves are the apps' own (the registry's
validators and duplicate checks, the request's intake, the contact log's cases, the consents), called through
their online entry points."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from association.channels import system_channel
from association.kernel.text import mask
from association.kernel.uploads import uploaded_file_check

from .models import Applicant
from .selectors import UNDECIDED, request_page


def _beneficiary(applicant: Applicant):
    if applicant.beneficiary_id is None:
        raise ValidationError(_("Register your file first."), code="no_file")
    return applicant.beneficiary


def _is_duplicate_id(exc: ValidationError) -> bool:
    errors = getattr(exc, "error_dict", {}).get("national_id", [])
    return any(getattr(error, "code", None) == "duplicate" for error in errors)


@transaction.atomic
def application_register(*, applicant: Applicant, data: dict, household: list[dict], consents: list[str]):
    """The applicant registers their own file (the mobile is the one they signed in with). The desk's rules
    apply (``beneficiaries.services.beneficiary_register_online``). A file that looks like an existing one (the
    same ID, or the same mobile, or the same name and birth date) is never shown to them: the application
    goes to the desk as an inquiry for an officer to match, and the applicant is told the desk will contact
    them. Returns the new file, or ``None`` when it went to the desk."""
    from beneficiaries.services import PossibleDuplicate, beneficiary_register_online

    locked = Applicant.objects.select_for_update().get(pk=applicant.pk)
    if locked.beneficiary_id is not None or locked.desk_case_id is not None:
        raise ValidationError(_("Your registration was already received."), code="registered")
    data = {**data, "mobile": locked.mobile}
    try:
        with transaction.atomic():
            beneficiary = beneficiary_register_online(data=data, household=household, consents=consents)
    except PossibleDuplicate:
        beneficiary = None
    except ValidationError as exc:
        if not _is_duplicate_id(exc):
            raise
        beneficiary = None
    if beneficiary is None:
        locked.desk_case = _hand_to_desk(locked, data, household)
        locked.save(update_fields=["desk_case"])
    else:
        locked.beneficiary = beneficiary
        locked.save(update_fields=["beneficiary"])
    applicant.beneficiary, applicant.desk_case = locked.beneficiary, locked.desk_case
    return beneficiary


def _hand_to_desk(applicant: Applicant, data: dict, household: list[dict]):
    from channels_log.contacts.services import contact_record

    name = " ".join(data.get(k, "") for k in ("first_name", "father_name", "grandfather_name", "family_name"))
    lines = [
        _("Online registration that looks like a file already registered: match it and call the applicant."),
        _("Name: %(name)s") % {"name": name},
        _("ID ending: %(id)s") % {"id": mask(data.get("national_id", ""))},
        _("Birth date: %(date)s") % {"date": data.get("birth_date") or "—"},
        _("Household members given: %(count)s") % {"count": len(household)},
    ]
    entry = contact_record(
        actor=None,
        channel=system_channel("website"),
        purpose="inquiry",
        contact_name=name.strip()[:200],
        contact_mobile=applicant.mobile,
        subject=_("Online registration to match with an existing file"),
        body="\n".join(str(line) for line in lines),
    )
    return entry.case


def _check_files(service_type, beneficiary, files: dict, issued: dict) -> list:
    """The required documents: each already supplied or uploaded now, every upload checked by its content
    before anything is stored."""
    supplied = set(beneficiary.documents.values_list("document_type_id", flat=True))
    errors = {}
    uploads = []
    for document_type in service_type.required_documents.all():
        field = f"document_{document_type.pk}"
        uploaded = files.get(document_type.pk)
        if uploaded is None:
            if document_type.pk not in supplied:
                errors[field] = _("Upload this document.")
            continue
        if document_type.validity and document_type.pk not in issued:
            errors[f"issued_{document_type.pk}"] = _("Enter the issue date written on the document.")
        try:
            uploaded_file_check(uploaded, field=field)
        except ValidationError as exc:
            errors.update(exc.message_dict)
            continue
        uploads.append((document_type, uploaded, issued.get(document_type.pk)))
    if errors:
        raise ValidationError(errors)
    return uploads


@transaction.atomic
def application_submit(
    *, applicant: Applicant, service_type, description: str, files: dict, signature_data: str, issued=None
):
    """Apply online: the required documents (each checked by its content), the declaration signed on screen,
    the request sent to the intake desk as received online (``support_request_receive_online``). All or
    nothing. ``files``: document type pk → uploaded file; ``issued``: document type pk → issue date (a type
    valid for a limited time needs it: the registry computes the expiry)."""
    from beneficiaries.services import document_add_online
    from requests_app.services import support_request_receive_online

    beneficiary = _beneficiary(applicant)
    if beneficiary.requests.filter(service_type=service_type, status__in=UNDECIDED).exists():
        raise ValidationError(
            {"service_type": _("You already have a request for this service that is not decided yet.")}
        )
    uploads = _check_files(service_type, beneficiary, files, issued or {})
    support_request = support_request_receive_online(
        beneficiary=beneficiary, service_type=service_type, description=description, signature_data=signature_data
    )
    for document_type, uploaded, issued_on in uploads:
        document_add_online(
            beneficiary=beneficiary, document_type=document_type, uploaded_file=uploaded, issued_on=issued_on
        )
    return support_request


def document_upload(*, applicant: Applicant, support_request, document_type, uploaded_file, issued_on=None):
    """A missing document uploaded from the request's page."""
    from requests_app.services import request_document_supply_online

    if support_request.beneficiary_id != applicant.beneficiary_id:
        raise ValidationError(_("This request is not yours."))
    return request_document_supply_online(
        support_request=support_request, document_type=document_type, uploaded_file=uploaded_file, issued_on=issued_on
    )


def receipt_confirm(*, applicant: Applicant, delivery):
    from requests_app.services import delivery_confirm_receipt_online

    if delivery.support_request.beneficiary_id != applicant.beneficiary_id:
        raise ValidationError(_("This delivery is not yours."))
    return delivery_confirm_receipt_online(delivery=delivery)


@transaction.atomic
def appeal_send(*, applicant: Applicant, support_request, text: str):
    """Contest the decision within the allowed period: a complaint that contests the decision, from which the
    desk opens the request's one appeal (``case_appeal_open``)."""
    from channels_log.contacts.services import contact_record

    if not request_page(applicant, support_request).can_appeal:
        raise ValidationError(_("This decision cannot be contested online now."), code="closed")
    if not (text or "").strip():
        raise ValidationError({"text": _("Write why you ask for the decision to be reconsidered.")})
    entry = contact_record(
        actor=None,
        channel=system_channel("website"),
        purpose="complaint",
        beneficiary=_beneficiary(applicant),
        subject=_("Appeal against the decision on request %(number)s") % {"number": support_request.number},
        body=text.strip(),
        support_request=support_request,
        contests_decision=True,
    )
    return entry.case


@transaction.atomic
def message_send(*, applicant: Applicant, kind: str, subject: str, body: str, support_request=None):
    """A new inquiry, complaint or suggestion from the signed-in applicant: their file (or their mobile) names
    them; nothing to retype."""
    from channels_log.contacts.services import contact_record

    if kind not in ("inquiry", "complaint", "suggestion"):
        raise ValidationError({"kind": _("Choose an inquiry, a complaint or a suggestion.")})
    if support_request is not None and support_request.beneficiary_id != applicant.beneficiary_id:
        raise ValidationError({"support_request": _("This request is not yours.")})
    entry = contact_record(
        actor=None,
        channel=system_channel("website"),
        purpose=kind,
        beneficiary=applicant.beneficiary,
        contact_mobile="" if applicant.beneficiary_id else applicant.mobile,
        subject=subject.strip(),
        body=body.strip(),
        support_request=support_request,
    )
    case = entry.case
    if applicant.beneficiary_id is None:
        # No file: they are told of the answer by SMS to the mobile they signed in with.
        case.sms_updates = True
        case.save(update_fields=["sms_updates"])
    return case


def correction_request(*, applicant: Applicant, details: str):
    """Ask for a correction of their data: an inquiry the desk answers (and corrects the file through its own
    edit page)."""
    if not (details or "").strip():
        raise ValidationError({"details": _("Write what should be corrected.")})
    _beneficiary(applicant)
    return message_send(
        applicant=applicant, kind="inquiry", subject=str(_("Please correct my data")), body=details.strip()
    )


def consent_withdraw(*, applicant: Applicant, purpose: str):
    from beneficiaries.services import consent_set_online

    return consent_set_online(beneficiary=_beneficiary(applicant), purpose=purpose, given=False)
