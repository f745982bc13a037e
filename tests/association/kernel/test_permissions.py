"""authorize: one helper, permission codenames, PermissionDenied."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from association.kernel.permissions import authorize
from association.kernel.roles import Role


def test_a_role_holding_the_permission_passes(make_user):
    chair = make_user(Role.COMMITTEE_CHAIR)
    authorize(chair, "requests_app.decide_supportrequest")
    authorize(chair, "requests_app.decide_supportrequest", "requests_app.vote_supportrequest")


@pytest.mark.parametrize("role", [Role.COMMITTEE_MEMBER, Role.RELATIONS_OFFICER, Role.MANAGER, None])
def test_every_permission_is_needed(make_user, role):
    user = make_user(role)
    with pytest.raises(PermissionDenied):
        authorize(user, "requests_app.vote_supportrequest", "requests_app.decide_supportrequest")


def test_anonymous_none_and_inactive_are_refused_even_without_permissions(make_user):
    inactive = make_user(Role.MANAGER, is_active=False)
    for actor in (None, AnonymousUser(), inactive):
        with pytest.raises(PermissionDenied):
            authorize(actor)
        with pytest.raises(PermissionDenied):
            authorize(actor, "association.approve_policyversion")


def test_a_superuser_holds_every_permission(superuser):
    authorize(superuser, "requests_app.decide_supportrequest", "association.approve_policyversion")


def test_an_object_does_not_widen_a_global_refusal(make_user):
    from tests.factories import SupportRequestFactory

    member = make_user(Role.COMMITTEE_MEMBER)
    with pytest.raises(PermissionDenied):
        authorize(member, "requests_app.decide_supportrequest", obj=SupportRequestFactory())
    authorize(member, "requests_app.vote_supportrequest", obj=SupportRequestFactory())
