"""Response helpers shared by every app."""

from functools import wraps

from django.utils.cache import add_never_cache_headers


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
