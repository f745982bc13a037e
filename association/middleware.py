"""Requests that no page can answer, refused once for every page.

A NUL byte (``%00``) in the path or the query string: PostgreSQL cannot hold or compare a text with
NUL in it (the driver raises before the query is sent), so one reaching a lookup — a survey token in
the path, a list filter or a search in the query string, an admin list filter — would answer 500. No
person types one and no link of ours carries one: the request is answered 400 here, before any view.
Form fields refuse NUL themselves (Django's ``CharField``), with an error next to the field.
"""

from django.core.exceptions import SuspiciousOperation


class NulByteInRequest(SuspiciousOperation):
    """Django answers a ``SuspiciousOperation`` with 400 (``templates/400.html``) and logs it to
    ``django.security.NulByteInRequest``."""


def _has_nul(request) -> bool:
    if "\x00" in request.path:
        return True
    return any("\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists())


class RejectNulBytesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _has_nul(request):
            raise NulByteInRequest("NUL byte in the request's path or query string")
        return self.get_response(request)
