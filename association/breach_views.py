"""The managers' pages of the breach register: the list, a new breach, and what is known of one."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .breaches import Breach, breach_save
from .kernel.errors import apply_to_form
from .kernel.forms import PortalModelForm
from .kernel.pagination import paginate
from .kernel.permissions import staff_view

MOMENT = {"type": "datetime-local"}


class BreachForm(PortalModelForm):
    class Meta:
        model = Breach
        fields = [
            "title",
            "description",
            "data_kinds",
            "occurred_at",
            "discovered_at",
            "affected_count",
            "affected_description",
            "measures",
            "authority_notified_at",
            "subjects_notified_at",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "measures": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("occurred_at", "discovered_at", "authority_notified_at", "subjects_notified_at"):
            field = self.fields[name]
            field.widget = forms.DateTimeInput(attrs=MOMENT, format="%Y-%m-%dT%H:%M")
            field.input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"]


@staff_view("association.view_breach")
def breach_list(request):
    page = paginate(request, Breach.objects.select_related("recorded_by").order_by("-discovered_at", "-pk"))
    return render(request, "association/breach_list.html", {"page": page, "now": timezone.now()})


def _edit(request, breach):
    form = BreachForm(request.POST or None, instance=breach)
    if request.method == "POST" and form.is_valid():
        try:
            breach_save(breach=form.instance, actor=request.user)
        except ValidationError as exc:
            apply_to_form(form, exc)
        else:
            messages.success(request, _("The breach register is updated."))
            return redirect("breach_list")
    return render(request, "association/breach_form.html", {"form": form, "breach": breach})


@require_http_methods(["GET", "POST"])
@staff_view("association.add_breach")
def breach_new(request):
    return _edit(request, Breach(discovered_at=timezone.now()))


@require_http_methods(["GET", "POST"])
@staff_view("association.change_breach")
def breach_edit(request, pk):
    return _edit(request, get_object_or_404(Breach, pk=pk))
