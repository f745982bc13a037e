"""Reads of the policy's pages that are more than one query: who has not confirmed reading the version in force."""

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, QuerySet

from ..kernel.roles import Role
from .models import PolicyReadConfirmation, PolicyVersion


def staff_users() -> QuerySet:
    """Active users holding at least one staff role."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=[role.value for role in Role])
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def unconfirmed_staff(version: PolicyVersion) -> QuerySet:
    """Staff who have not confirmed reading ``version`` (one query a page, whatever the number of rows)."""
    confirmed = PolicyReadConfirmation.objects.filter(version=version, user=OuterRef("pk"))
    return staff_users().filter(~Exists(confirmed))


def confirmation_counts(version: PolicyVersion) -> tuple[int, int]:
    """(confirmed, staff) for ``version``."""
    staff = staff_users()
    confirmed = PolicyReadConfirmation.objects.filter(version=version, user__in=staff).count()
    return confirmed, staff.count()


def has_confirmed(version: PolicyVersion | None, user) -> bool:
    if version is None or not user.is_authenticated:
        return False
    return PolicyReadConfirmation.objects.filter(version=version, user=user).exists()
