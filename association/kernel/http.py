"""Response helpers shared by every app."""

from functools import wraps

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.cache import add_never_cache_headers

from .errors import apply_to_form


def no_store(view):
    """For pages and files that carry a person's full data (an ID or IBAN shown in full, a document, a
    request's PDF): ``Cache-Control: no-store`` (with ``private``), so neither the browser's cache, its
    back button, nor a proxy keeps a copy."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        add_never_cache_headers(response)
        return response

    return wrapped


def posted_form(request, form, call, *, done: str, target: str, invalid, field_map=None):
    """The shape of every posted action: a valid ``form`` runs ``call(cleaned_data)`` (the app's service), then
    ``done`` is said and the browser goes to ``target``; a refusal of the service lands next to its fields
    (``errors.apply_to_form``) and, like an invalid form, is answered by ``invalid(form)`` (the page again with the
    typed data kept, or the errors as messages)."""
    if form.is_valid():
        try:
            call(form.cleaned_data)
        except ValidationError as exc:
            apply_to_form(form, exc, field_map=field_map)
        else:
            messages.success(request, done)
            return redirect(target)
    return invalid(form)
