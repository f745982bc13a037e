"""Who may do what, checked one way.

- ``authorize(actor, *perms, obj=None)``: every write service calls it first. Permission codenames
  (``"requests_app.decide_supportrequest"``), never group names; ``PermissionDenied`` when refused (a view
  answers 403).
- ``staff_view``: every staff view; login first (anonymous → login page), then the permission
  (authenticated without it → 403).
"""

from functools import wraps

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from .roles import grants, has_role


class PortalModelBackend(ModelBackend):
    """Django's ``ModelBackend`` with a user's permissions read through ``roles.grants`` (cached until a grant
    changes) instead of two queries on every request."""

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None or user_obj.is_superuser:
            return super().get_all_permissions(user_obj, obj)
        if not hasattr(user_obj, "_perm_cache"):
            user_obj._perm_cache = set(grants(user_obj).permissions)
        return user_obj._perm_cache


def authorize(actor, *perms: str, obj=None) -> None:
    """Refuse (``PermissionDenied``) unless ``actor`` is an active, signed-in user holding every permission in
    ``perms``. With ``obj``, a permission an object-level backend grants for that object counts too (Django's
    ``ModelBackend`` answers for all objects alike). No ``perms``: any active staff user."""
    if actor is None or not getattr(actor, "is_authenticated", False) or not getattr(actor, "is_active", True):
        raise PermissionDenied(_("Sign in to do this."))
    for perm in perms:
        if not (actor.has_perm(perm) or (obj is not None and actor.has_perm(perm, obj))):
            raise PermissionDenied(_("You are not allowed to do this."))


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
