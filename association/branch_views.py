"""The branch offices' pages: the list, a branch's form, and which branch each staff member works from
(managers and admins; every role sees the list)."""

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from .branches import Branch, branch_save, staff_branch_set
from .kernel.errors import apply_to_form
from .kernel.form_tokens import once_per_form
from .kernel.forms import PortalForm, PortalModelForm
from .kernel.pagination import paginate
from .kernel.permissions import staff_view
from .kernel.roles import Role
from .kernel.text import person_name

VIEW = "association.view_branch"
STAFF = ("association.view_staffbranch", "association.change_staffbranch")


class BranchForm(PortalModelForm):
    class Meta:
        model = Branch
        fields = ["name", "city", "address", "phone", "is_active"]


class StaffBranchForm(PortalForm):
    branch = forms.ModelChoiceField(
        label=gettext_lazy("Branch"),
        required=False,
        queryset=Branch.objects.filter(is_active=True),
        empty_label=gettext_lazy("Head office"),
    )


def staff_members():
    """Active users holding one of the portal's roles, with the branch each works from (one query)."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=Role.values)
        .distinct()
        .select_related("staff_branch__branch")
        .order_by("first_name", "last_name", "pk")
    )


@staff_view(VIEW)
def branch_list(request):
    branches = Branch.objects.annotate(staff_count=Count("staff")).order_by("name", "pk")
    return render(request, "association/branches/list.html", {"page": paginate(request, branches)})


def _edit(request, branch: Branch, *, title: str):
    form = BranchForm(request.POST or None, instance=branch)
    if request.method == "POST" and form.is_valid():
        try:
            branch_save(actor=request.user, branch=form.instance)
        except ValidationError as exc:
            apply_to_form(form, exc)
        else:
            messages.success(request, _("The branch is saved."))
            return redirect("branches:list")
    status = 400 if form.errors else 200
    return render(request, "association/branches/form.html", {"form": form, "title": title}, status=status)


@staff_view(VIEW, "association.add_branch")
@once_per_form
def branch_new(request):
    return _edit(request, Branch(), title=_("New branch"))


@staff_view(VIEW, "association.change_branch")
def branch_edit(request, pk):
    branch = get_object_or_404(Branch, pk=pk)
    return _edit(request, branch, title=_("Branch: %(name)s") % {"name": branch.name})


@staff_view(*STAFF)
def staff_list(request):
    page = paginate(request, staff_members())
    rows = [
        (user, StaffBranchForm(prefix=f"u{user.pk}", initial={"branch": _current(user)})) for user in page.object_list
    ]
    return render(request, "association/branches/staff.html", {"page": page, "rows": rows, **_options()})


def _options() -> dict:
    """The branches every row's select offers, read once for the page (not once per row)."""
    return {
        "branch_options": [("", _("Head office")), *Branch.objects.filter(is_active=True).values_list("pk", "name")]
    }


def _current(user):
    row = getattr(user, "staff_branch", None)
    return row.branch_id if row is not None else None


@require_POST
@staff_view(*STAFF)
def staff_set(request, user_pk):
    user = get_object_or_404(staff_members(), pk=user_pk)
    form = StaffBranchForm(request.POST, prefix=f"u{user.pk}")
    if form.is_valid():
        try:
            staff_branch_set(actor=request.user, user=user, branch=form.cleaned_data["branch"])
        except ValidationError as exc:
            apply_to_form(form, exc)
    if form.errors:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        context = {"rows": [(user, form)], "page": None, **_options()}
        return render(request, "association/branches/staff.html", context, status=400)
    messages.success(
        request,
        _("%(name)s now works from: %(branch)s.")
        % {
            "name": person_name(user),
            "branch": form.cleaned_data["branch"] or _("Head office"),
        },
    )
    return redirect("branches:staff")
