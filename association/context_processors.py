from .kernel.roles import Role, user_roles
from .models import AssociationProfile


def portal(request):
    """The association (letterhead on every page) and the user's roles for the navigation."""
    if not hasattr(request, "_association_profile"):
        request._association_profile = AssociationProfile.get_solo()
    roles = user_roles(request.user) if hasattr(request, "user") else set()
    return {"association": request._association_profile, "user_roles": roles, "Role": Role}
