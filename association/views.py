from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.cache import cache_control

from .kernel import registry
from .kernel.roles import Role, has_role
from .models import AssociationProfile


@login_required
def home(request):
    """Each role lands on its own work; the intake desk is the relations officer's and the representative's
    home."""
    user = request.user
    if has_role(user, Role.RELATIONS_OFFICER, Role.REPRESENTATIVE) and not user.is_superuser:
        return redirect("beneficiaries:desk")
    # Each app adds its panels (registry slot "home_panels", registered in its AppConfig.ready).
    panels = registry.collect("home_panels", user=user)
    context = {"panels": panels}
    for panel in panels:
        context.update(panel.context)
    return render(request, "association/home.html", context)


@cache_control(max_age=3600, public=True)
def logo(request):
    """The association's logo, public: it heads every page, including the login page."""
    profile = AssociationProfile.objects.filter(pk=1).first()
    if profile is None or not profile.logo:
        raise Http404
    try:
        return FileResponse(profile.logo.open("rb"))
    except FileNotFoundError:
        raise Http404 from None
