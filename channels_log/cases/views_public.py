"""The public contact pages (no login): send an inquiry, complaint or suggestion; follow it up.

Every POST is throttled per client address; CSRF protection stays on; every text is shown escaped.
"""

from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from association.kernel.errors import apply_to_form
from association.kernel.form_tokens import once_per_form

from . import services
from .forms import PublicCaseForm, PublicStatusForm
from .throttle import throttle_posts

SESSION_KEY = "public_case_reference"
HONEYPOT = "website"


@never_cache
@throttle_posts()
@once_per_form
def contact_public(request):
    data = request.POST or None
    # The honeypot field is hidden from people and filled in by bots. A bot is answered exactly as a
    # person would be (the same pages, a reference of the real shape) while nothing is saved, so it
    # cannot learn that it was caught and try again differently.
    trapped = bool(data and data.get(HONEYPOT, "").strip())
    if trapped:
        data = data.copy()
        data.pop(HONEYPOT)
    form = PublicCaseForm(data)
    if request.method == "POST" and form.is_valid() and trapped:
        request.session[SESSION_KEY] = services.new_reference()
        return redirect("channels_log:public_sent")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = services.case_submit_public(
                kind=data["kind"],
                name=data["name"],
                mobile=data["mobile"],
                subject=data["subject"],
                body=data["body"],
                sms_updates=data["sms_updates"],
            )
        except ValidationError as exc:
            apply_to_form(form, exc)
        else:
            # The reference is shown once on the next page, never put in a URL.
            request.session[SESSION_KEY] = case.reference
            return redirect("channels_log:public_sent")
    return render(request, "public/contact_form.html", {"form": form}, status=400 if form.errors else 200)


@never_cache
def contact_public_sent(request):
    reference = request.session.get(SESSION_KEY)
    if not reference:
        return redirect("channels_log:public_contact")
    return render(request, "public/contact_sent.html", {"reference": reference})


@never_cache
@throttle_posts()
def contact_public_status(request):
    form = PublicStatusForm(request.POST or None)
    case = None
    not_found = False
    if request.method == "POST" and form.is_valid():
        case = services.case_find_for_sender(
            reference=form.cleaned_data["reference"], mobile=form.cleaned_data["mobile"]
        )
        not_found = case is None
        if not_found:
            # Same answer whichever of the two is wrong: nothing to learn by guessing.
            form.add_error(None, _("No message matches this reference number and mobile."))
    return render(request, "public/contact_status.html", {"form": form, "case": case, "not_found": not_found})
