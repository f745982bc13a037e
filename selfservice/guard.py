"""Who is signed in at /my/: the applicant whose live session the ``my_session`` cookie names (``access``).
Every /my/ page but the sign-in ones goes through ``applicant_view``; the sensitive ones ask for the ID's last
four digits as well (``sensitive=True``)."""

from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache

from . import access

PREFIX = "/my/"


def safe_next(value: str | None) -> str:
    """Where to go after signing in or giving the ID digits: a /my/ page of this site, else the home."""
    if value and value.startswith(PREFIX) and url_has_allowed_host_and_scheme(value, allowed_hosts=None):
        return value
    return reverse("selfservice:home")


def _to(name: str, request) -> str:
    query = urlencode({"next": request.get_full_path()}) if request.method == "GET" else ""
    return reverse(name) + (f"?{query}" if query else "")


def set_session_cookie(response, value: str) -> None:
    response.set_cookie(
        access.COOKIE,
        value,
        max_age=int(access.SESSION_MAX.total_seconds()),
        path=PREFIX,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def applicant_view(view=None, *, sensitive: bool = False):
    def decorator(view):
        @wraps(view)
        @never_cache
        def wrapped(request, *args, **kwargs):
            session = access.session_load(request.COOKIES.get(access.COOKIE))
            if session is None:
                response = redirect(_to("selfservice:sign_in", request))
                response.delete_cookie(access.COOKIE, path=PREFIX)
                return response
            request.applicant_session = session
            request.applicant = session.applicant
            if sensitive and not access.id_checked(session):
                return redirect(_to("selfservice:id_check", request))
            return view(request, *args, **kwargs)

        return wrapped

    return decorator(view) if view is not None else decorator
