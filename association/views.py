from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.cache import cache_control

from beneficiaries.models import Beneficiary
from requests_app.dashboard import home_context as requests_home_context
from requests_app.models import SupportRequest
from surveys.dashboard import home_context as surveys_home_context

from .kernel.roles import Role, has_role
from .models import AssociationProfile


@login_required
def home(request):
    """Each role lands on its own work; the intake desk is the relations officer's home."""
    user = request.user
    if has_role(user, Role.RELATIONS_OFFICER) and not user.is_superuser:
        return redirect("beneficiaries:desk")
    by_status = dict(SupportRequest.objects.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    context = {
        "request_counts": [(value, label, by_status.get(value, 0)) for value, label in SupportRequest.Status.choices],
        "beneficiary_count": Beneficiary.objects.count() if user.has_perm("beneficiaries.view_beneficiary") else None,
        "can_view_requests": user.has_perm("requests_app.view_supportrequest"),
    }
    context.update(requests_home_context(user))
    context.update(surveys_home_context(user))
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
