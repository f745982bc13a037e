"""Branch offices («المكاتب الفرعية») and the staff attached to them.

A branch is where a beneficiary is served: contacts, requests and cases carry the branch of the staff
member who recorded them (or the one they chose), lists filter by it, reports group by it, and a branch's
requests go to its own social researchers (``researchers_for``). A staff member works from one branch at
most (``StaffBranch``); staff with none work for the head office.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .kernel.permissions import authorize


class Branch(models.Model):
    name = models.CharField(gettext_lazy("name"), max_length=120, unique=True)
    city = models.CharField(gettext_lazy("city"), max_length=100)
    address = models.CharField(gettext_lazy("address"), max_length=300, blank=True)
    phone = models.CharField(gettext_lazy("phone"), max_length=30, blank=True)
    is_active = models.BooleanField(gettext_lazy("active"), default=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = gettext_lazy("branch")
        verbose_name_plural = gettext_lazy("branches")

    def __str__(self):
        return self.name


class StaffBranch(models.Model):
    """The branch a staff member works from (one at most)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="staff_branch",
        verbose_name=gettext_lazy("staff member"),
    )
    branch = models.ForeignKey(
        Branch, on_delete=models.PROTECT, related_name="staff", verbose_name=gettext_lazy("branch")
    )

    class Meta:
        verbose_name = gettext_lazy("staff branch")
        verbose_name_plural = gettext_lazy("staff branches")

    def __str__(self):
        return f"{self.user} — {self.branch}"


def branch_of(user) -> Branch | None:
    """The branch ``user`` works from, or None (head office, the portal itself, anonymous)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if not hasattr(user, "_portal_branch"):
        row = StaffBranch.objects.select_related("branch").filter(user=user).first()
        user._portal_branch = row.branch if row is not None else None
    return user._portal_branch


def branch_pk_of(user) -> int | None:
    branch = branch_of(user)
    return branch.pk if branch is not None else None


def researchers_for(branch, candidates):
    """The social researchers a request of ``branch`` goes to: among ``candidates`` (a user queryset), those
    of the branch — when it has any; otherwise (no branch, or a branch without researchers yet) all of them."""
    if branch is None:
        return candidates
    own = candidates.filter(staff_branch__branch=branch)
    return own if own.exists() else candidates


@transaction.atomic
def branch_save(*, actor, branch: Branch) -> Branch:
    """Create or change a branch (``association.add_branch`` / ``change_branch``)."""
    authorize(actor, "association.change_branch" if branch.pk else "association.add_branch")
    branch.full_clean()
    branch.save()
    return branch


@transaction.atomic
def staff_branch_set(*, actor, user, branch: Branch | None) -> StaffBranch | None:
    """Attach ``user`` to ``branch`` (None: back to the head office). Returns early when nothing changes."""
    authorize(actor, "association.change_staffbranch", "association.add_staffbranch", "association.delete_staffbranch")
    if not user.is_active:
        raise ValidationError({"user": _("Choose an active staff member.")})
    if branch is not None and not branch.is_active:
        raise ValidationError({"branch": _("This branch is closed.")})
    current = StaffBranch.objects.select_for_update().filter(user=user).first()
    if branch is None:
        if current is not None:
            current.delete()
        return None
    if current is not None and current.branch_id == branch.pk:
        return current
    row = current or StaffBranch(user=user)
    row.branch = branch
    row.full_clean()
    row.save()
    return row
