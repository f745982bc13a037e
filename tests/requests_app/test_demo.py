"""seed_demo leaves requests in every status, the committee's two demo cases, and creates nothing on a rerun."""

import io

from django.core.management import call_command
from django.utils import timezone

from requests_app import services
from requests_app.models import StatusChange, SupportRequest


def test_seed_demo_covers_the_lifecycle_and_is_idempotent(db):
    call_command("seed_demo", stdout=io.StringIO())
    counts = (SupportRequest.objects.count(), StatusChange.objects.count())
    assert set(SupportRequest.objects.values_list("status", flat=True)) == set(SupportRequest.Status.values)

    now = timezone.now()
    awaiting = list(SupportRequest.objects.filter(status="awaiting_committee"))
    ages = sorted((now - sr.submitted_at).days for sr in awaiting)
    assert ages[0] < 14 and ages[-1] > 15
    for sr in awaiting:
        assert services.votes_cast(sr) >= services.quorum_required()
    early = min(awaiting, key=lambda sr: now - sr.submitted_at)
    late = max(awaiting, key=lambda sr: now - sr.submitted_at)
    assert services.decidable_from(early) > now >= services.decidable_from(late)
    assert all(
        sr.decisions.exists() for sr in SupportRequest.objects.filter(status__in=["approved", "rejected", "closed"])
    )

    call_command("seed_demo", stdout=io.StringIO())
    assert (SupportRequest.objects.count(), StatusChange.objects.count()) == counts
