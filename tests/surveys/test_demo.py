"""The demo's survey story through the events: seed_demo plays it in one transaction, and each reaction happens
with what caused it (``events.immediately``), on the demo clock."""

import io

import pytest
from django.core.management import call_command

from channels_log.cases.models import Case
from surveys.models import Response

pytestmark = pytest.mark.django_db


def test_the_demos_low_scores_have_their_follow_up_handled_on_the_demo_clock():
    call_command("seed_demo", "--no-logins", stdout=io.StringIO())

    low = Response.objects.filter(is_low=True, is_anonymous=False).exclude(invitation__beneficiary=None)
    assert low.exists()
    for response in low.select_related("follow_up"):
        assert response.follow_up is not None, response
        case = Case.objects.get(contact=response.follow_up)
        assert abs((case.opened_at - response.submitted_at).total_seconds()) < 60, case
    # The officer called back and closed the older ones; yesterday's is still open.
    statuses = sorted(Case.objects.filter(kind=Case.Kind.FOLLOW_UP).values_list("status", flat=True))
    assert "closed" in statuses and "open" in statuses
