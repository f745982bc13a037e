"""Each role's home shows its own request work."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from requests_app import services
from requests_app.models import SupportRequest

from .factories import awaiting_committee, open_study, submitted_request

S = SupportRequest.Status


def test_researcher_home_lists_their_assignments(officer, researcher, client_for):
    support_request = submitted_request(officer)
    open_study(support_request, officer, researcher)
    response = client_for(researcher).get(reverse("home"))
    assert response.context["my_assignments"] == [support_request]
    assert support_request.number in response.content.decode()


def test_committee_home_shows_the_agenda(officer, member, client_for):
    support_request = awaiting_committee(officer)
    response = client_for(member).get(reverse("home"))
    assert [row.support_request for row in response.context["agenda"]] == [support_request]
    assert response.context["my_assignments"] is None and response.context["overdue"] is None


def test_manager_home_shows_overdue_requests_and_escalations(officer, manager, client_for):
    support_request = awaiting_committee(officer)
    SupportRequest.objects.filter(pk=support_request.pk).update(submitted_at=timezone.now() - dt.timedelta(days=40))
    services.reminders_sweep()
    response = client_for(manager).get(reverse("home"))
    assert response.context["overdue"] == [support_request]
    assert [n.support_request for n in response.context["escalations"]] == [support_request]
    assert response.context["agenda"] is None


def test_officer_home_is_the_intake_desk(officer, client_for):
    assert client_for(officer).get(reverse("home")).url == reverse("beneficiaries:desk")


def test_the_overdue_panels_index_covers_exactly_the_undecided_statuses():
    """The managers' overdue panel reads a partial index (``request_undecided_idx``): its condition must name the
    statuses ``overdue_filter`` selects, or the panel falls back to sorting every undecided request."""
    from requests_app.transitions import UNDECIDED

    index = next(i for i in SupportRequest._meta.indexes if i.name == "request_undecided_idx")
    (lookup, statuses), *rest = index.condition.children
    assert lookup == "status__in" and rest == []
    assert set(statuses) == set(UNDECIDED)


def test_request_counts_count_every_status_once(officer, manager, client_for):
    submitted_request(officer)
    awaiting_committee(officer)
    counts = {
        value: count for value, _label, count in client_for(manager).get(reverse("home")).context["request_counts"]
    }
    assert counts[S.SUBMITTED] == 1 and counts[S.AWAITING_COMMITTEE] == 1
    assert sum(counts.values()) == SupportRequest.objects.count() == 2
