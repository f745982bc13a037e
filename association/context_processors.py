from django.utils.functional import SimpleLazyObject

from .kernel.roles import Role, user_roles
from .models import AssociationProfile


def _profile(request):
    if not hasattr(request, "_association_profile"):
        request._association_profile = AssociationProfile.get_solo()
    return request._association_profile


def portal(request):
    """The association (letterhead on every page) and the user's roles for the navigation: each read from the
    database only when a template uses it, so a fragment that shows neither (an htmx answer: the desk's search
    results) costs no query for them."""
    roles = SimpleLazyObject(lambda: user_roles(request.user) if hasattr(request, "user") else set())
    return {"association": SimpleLazyObject(lambda: _profile(request)), "user_roles": roles, "Role": Role}
