"""A form creates one record however many times it is sent.

Every creating form carries a one-time token, issued with the page (``{% form_token form %}``: a
random value signed with a timestamp, so it cannot be made up or kept for weeks). The view is wrapped
in ``@once_per_form``, which runs it in one transaction that first inserts the token into
``FormSubmission`` (a unique column):

- the first POST inserts it and runs the view; when the view answers with a redirect (the record is
  made), the row keeps that redirect, committed with the record itself;
- the same form sent again — a double click, a retry, the back button, eight requests at once on any
  web replica — meets the unique constraint: PostgreSQL makes it wait until the first commits, SQLite
  serialises writers. It then answers with the first result (the same redirect) and creates nothing;
- when the view answers anything else (the form re-rendered with its errors), the token is released:
  the corrected form, which carries the same token (the tag reuses the posted one for a bound form),
  can still be sent;
- a POST without a valid token is refused with a page that says to reload the form (the browser's
  Back button keeps what was typed). Django's test client is let through without a token, as it is
  let through without a CSRF token; tests of this module send tokens.

``static/js/portal.js`` also disables a form's buttons while it is being sent; the server does not
rely on it.
"""

import datetime as dt
import re
import secrets
from functools import wraps

from django.contrib import messages
from django.core import signing
from django.db import IntegrityError, transaction
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

FIELD = "form_token"
MAX_AGE = dt.timedelta(days=7)  # a page left open over a long weekend can still be sent
KEEP = MAX_AGE + dt.timedelta(days=1)  # consumed tokens are kept longer than any page can live
_SALT = "association.form_tokens"  # unchanged since the module moved: tokens already issued stay valid
_SHAPE = re.compile(r"^[A-Za-z0-9_-]{16,40}:[A-Za-z0-9]{1,10}:[A-Za-z0-9_-]{20,60}$")


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=_SALT)


def new_token() -> str:
    return _signer().sign(secrets.token_urlsafe(16))


def verified(value) -> str | None:
    """The token if it is one we issued within ``MAX_AGE``; ``None`` for anything else."""
    if not isinstance(value, str) or not _SHAPE.match(value):
        return None
    try:
        _signer().unsign(value, max_age=MAX_AGE)
    except signing.BadSignature:  # SignatureExpired included
        return None
    return value


def token_for(request, form=None) -> str:
    """The token to put in a form: the one just posted when ``form`` is that form re-rendered with its
    errors (so sending it corrected is still the same submission), a new one otherwise."""
    posted = getattr(request, "form_token_posted", None)
    if posted and form is not None and getattr(form, "is_bound", False):
        return posted
    return new_token()


def once_per_form(view):
    """Run a creating view once per form token; see the module's docstring."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method != "POST":
            return view(request, *args, **kwargs)
        raw = request.POST.get(FIELD, "")
        token = verified(raw)
        if token is None:
            if not raw and getattr(request, "_dont_enforce_csrf_checks", False):
                return view(request, *args, **kwargs)  # Django's test client, as for CSRF
            return _out_of_date(request)
        request.form_token_posted = token
        from .models import FormSubmission

        earlier = FormSubmission.objects.filter(token=token).first()
        if earlier is not None:
            return _replay(request, earlier)
        user = request.user if request.user.is_authenticated else None
        try:
            with transaction.atomic():
                # First, so a second request with this token waits here (or fails) before doing anything.
                claim = FormSubmission.objects.create(token=token, user=user, path=request.path[:300])
                response = view(request, *args, **kwargs)
                if response.status_code in (301, 302, 303) and response.has_header("Location"):
                    claim.location = response["Location"][:1000]
                    claim.save(update_fields=["location"])
                else:
                    claim.delete()  # not done (errors shown): the same form may be sent again
        except IntegrityError:
            earlier = FormSubmission.objects.filter(token=token).first()
            if earlier is None:  # some other constraint: not ours to answer
                raise
            return _replay(request, earlier)
        return response

    return wrapped


def _replay(request, earlier):
    """The first submission's result, for the same user on the same form; nothing is created."""
    user_id = request.user.pk if request.user.is_authenticated else None
    if earlier.user_id != user_id or earlier.path != request.path[:300] or not earlier.location:
        return _out_of_date(request)
    messages.info(request, _("This form had already been sent; it was recorded once."))
    return redirect(earlier.location)


def _out_of_date(request):
    return render(request, "form_out_of_date.html", {"again_url": request.get_full_path()}, status=400)


def sweep(*, now=None) -> int:
    """Forget consumed tokens older than any form page can be (their pages are refused anyway)."""
    from .models import FormSubmission

    now = now or timezone.now()
    deleted, _rows = FormSubmission.objects.filter(created_at__lt=now - KEEP).delete()
    return deleted
