"""View guards. Every staff view uses ``staff_view``: login first (anonymous → login page), then the
permission (authenticated without it → 403)."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from .roles import has_role


def staff_view(*perms: str, roles: tuple[str, ...] = ()):
    """Require login, every permission in ``perms`` and, when given, one of ``roles``."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            user = request.user
            if perms and not user.has_perms(perms):
                raise PermissionDenied
            if roles and not has_role(user, *roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return login_required(wrapped)

    return decorator
