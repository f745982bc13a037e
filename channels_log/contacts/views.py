from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from association.branches import Branch
from association.channels import Channel
from association.kernel import memo
from association.kernel.errors import apply_to_form
from association.kernel.form_tokens import once_per_form
from association.kernel.pagination import keyset_paginate
from association.kernel.permissions import staff_view
from beneficiaries.models import Beneficiary
from channels_log.cases.selectors import cases_for_contact

from . import selectors, services
from .forms import ContactForm
from .models import ContactAttachment, ContactEntry


@staff_view("channels_log.add_contactentry")
@once_per_form
def contact_new(request):
    """Record a contact; from a beneficiary's file (``?beneficiary=<public id>``) or for an unregistered caller."""
    beneficiary = None
    if request.GET.get("beneficiary"):
        try:
            beneficiary = get_object_or_404(Beneficiary, public_id=request.GET["beneficiary"])
        except ValidationError:
            raise Http404 from None
    corrects = None
    if request.GET.get("corrects", "").isdigit():
        # A correction is a new entry pointing at the old one (the log is append-only).
        corrects = get_object_or_404(
            ContactEntry.objects.visible_to(request.user), pk=request.GET["corrects"], beneficiary=beneficiary
        )
    initial = {}
    if corrects is not None:
        initial = {
            f: getattr(corrects, f)
            for f in ("channel_id", "direction", "purpose", "contact_name", "contact_mobile", "subject", "body")
        }
        initial["channel"] = initial.pop("channel_id")
    form = ContactForm(
        request.POST or None, request.FILES or None, beneficiary=beneficiary, user=request.user, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.contact_record(
                actor=request.user, beneficiary=beneficiary, corrects=corrects, **form.service_kwargs()
            )
        except ValidationError as exc:
            apply_to_form(form, exc)
        else:
            messages.success(request, _("The contact is recorded."))
            if hasattr(entry, "case"):
                messages.info(request, _("Case %(reference)s is opened for it.") % {"reference": entry.case.reference})
            if beneficiary is not None:
                return redirect(beneficiary.get_absolute_url() + "#contacts")
            return redirect("channels_log:list")
    return render(
        request, "channels_log/contact_form.html", {"form": form, "beneficiary": beneficiary, "corrects": corrects}
    )


@staff_view("channels_log.view_contactentry")
def contact_list(request):
    channel, purpose = request.GET.get("channel", ""), request.GET.get("purpose", "")
    branch = request.GET.get("branch", "")
    return render(
        request,
        "channels_log/contact_list.html",
        {
            "page": keyset_paginate(
                request, selectors.contact_list(request.user, channel=channel, purpose=purpose, branch=branch)
            ),
            "channels": memo.table_rows(Channel.objects.all()),
            "branches": memo.table_rows(Branch.objects.all()),
            "selected_branch": branch,
            "purposes": ContactEntry.Purpose.choices,
            "selected_channel": channel,
            "selected_purpose": purpose,
        },
    )


@staff_view("channels_log.view_contactentry")
def contact_detail(request, pk):
    try:
        entry = selectors.contact_detail(request.user, pk)
    except ContactEntry.DoesNotExist:
        raise Http404 from None
    return render(
        request,
        "channels_log/contact_detail.html",
        {
            "entry": entry,
            "case": cases_for_contact(request.user, entry).first(),
            "attachments": entry.attachments.all(),
            "can_open_attachments": services.contact_attachment_allowed(actor=request.user, contact=entry),
            "corrections": entry.visible_corrections,
        },
    )


@staff_view("channels_log.view_contactentry")
def attachment_file(request, pk):
    """Serve an attachment through the app (never a public media URL), like a beneficiary's document:
    the documents' access rule, an access-log row, and no copy kept by the browser or a proxy."""
    attachment = get_object_or_404(
        ContactAttachment.objects.visible_to(request.user).select_related("contact__beneficiary"), pk=pk
    )
    handle = services.contact_attachment_open(attachment=attachment, actor=request.user)
    response = FileResponse(handle, content_type=attachment.content_type)
    response["Content-Disposition"] = f'inline; filename="attachment-{attachment.pk}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response
