"""How support requests react to what happens in the apps above them (kernel ``events``), subscribed in
``RequestsAppConfig.ready``. Handlers take ids, re-read what they need and are idempotent."""

from django.contrib.auth import get_user_model

from . import services


def appeal_for_contested_decision(*, case_id, request_id, actor_id=None, appeal_text="", **_more) -> None:
    """``complaint_contested_decision``: a complaint contests the committee's decision on the request, so the
    committee reconsiders it — the request's one appeal. ``appeal_text`` (the complaint's words) and
    ``actor_id`` (who handled the complaint) are optional. A second event for the same request, or one for a
    request no longer rejected, changes nothing."""
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    services.support_request_appeal_by_complaint(
        support_request_id=request_id, appeal_text=str(appeal_text or ""), actor=actor
    )
