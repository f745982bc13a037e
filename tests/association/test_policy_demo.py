import io

import pytest

from association.policy.demo import seed_policy
from association.policy.models import PolicyToolLink, PolicyVersion
from association.policy.services import policy_in_force

pytestmark = pytest.mark.django_db


def test_demo_policy_is_imported_approved_and_idempotent(manager):
    seed_policy(users={"manager": manager}, stdout=io.StringIO())
    version = policy_in_force()
    assert version is not None
    assert version.status == PolicyVersion.Status.APPROVED
    assert version.board_meeting == 3
    assert version.channels
    links = PolicyToolLink.objects.count()
    assert links == 2

    seed_policy(users={"manager": manager}, stdout=io.StringIO())
    assert PolicyVersion.objects.count() == 1
    assert PolicyToolLink.objects.count() == links
