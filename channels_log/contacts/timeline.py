"""One beneficiary's history in one list: contacts, request status changes and, when the surveys app
has its models, survey invitations and responses."""

import datetime as dt
from dataclasses import dataclass

from django.apps import apps
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from requests_app.models import StatusChange

from .models import ContactEntry

# Each source is bounded: a long-standing file shows its latest entries of each kind.
PER_SOURCE_LIMIT = 300


@dataclass(frozen=True)
class TimelineItem:
    at: dt.datetime
    source: str  # "contact", "request", "survey"
    title: str
    detail: str = ""
    url: str = ""
    badge: str = ""


def _survey_model(name: str):
    if not apps.is_installed("surveys"):
        return None
    try:
        return apps.get_model("surveys", name)
    except LookupError:
        return None


def surveys_available() -> bool:
    return _survey_model("Invitation") is not None


def beneficiary_timeline(*, beneficiary, user) -> list[TimelineItem]:
    items: list[TimelineItem] = []
    contacts = (
        ContactEntry.objects.visible_to(user)
        .filter(beneficiary=beneficiary)
        .select_related("channel", "recorded_by", "case")[:PER_SOURCE_LIMIT]
    )
    for entry in contacts:
        case = getattr(entry, "case", None)
        items.append(
            TimelineItem(
                at=entry.created_at,
                source="contact",
                title=f"{entry.get_purpose_display()} · {entry.channel} · {entry.get_direction_display()}",
                detail=entry.subject,
                url=case.get_absolute_url() if case else "",
                badge=f"{case.reference} · {case.get_status_display()}" if case else "",
            )
        )
    changes = (
        StatusChange.objects.filter(support_request__beneficiary=beneficiary)
        .select_related("support_request")
        .order_by("-at", "-pk")[:PER_SOURCE_LIMIT]
    )
    for change in changes:
        items.append(
            TimelineItem(
                at=change.at,
                source="request",
                title=_("Request %(request)s: %(status)s")
                % {
                    "request": change.support_request,
                    "status": change.get_new_status_display(),
                },
                detail=change.reason,
                url=change.support_request.get_absolute_url(),
            )
        )
    Invitation = _survey_model("Invitation")
    if Invitation is not None:
        invitations = (
            Invitation.objects.filter(beneficiary=beneficiary)
            .select_related("version", "response__version")
            .order_by("-created_at")[:PER_SOURCE_LIMIT]
        )
        for invitation in invitations:
            items.append(
                TimelineItem(
                    at=invitation.sent_at or invitation.created_at,
                    source="survey",
                    title=_("Survey invitation: %(survey)s") % {"survey": invitation.version},
                )
            )
            response = getattr(invitation, "response", None)
            if response is not None and not response.is_anonymous:
                answered = response.submitted_at or timezone.make_aware(
                    dt.datetime.combine(response.submitted_on, dt.time(12))
                )
                items.append(
                    TimelineItem(
                        at=answered,
                        source="survey",
                        title=_("Survey answered: %(survey)s") % {"survey": response.version},
                        badge=_("Low score") if response.is_low else "",
                    )
                )
    # Outgoing messages (issue 7): every message told to the beneficiary, with its delivery status.
    can_open = user.has_perm("channels_log.view_outgoingmessage")
    for message in beneficiary.outgoing_messages.visible_to(user).order_by("-created_at", "-pk")[:PER_SOURCE_LIMIT]:
        items.append(
            TimelineItem(
                at=message.sent_at or message.created_at,
                source="message",
                title=f"{message.get_event_display()} · {message.get_channel_display()}",
                detail=message.body,
                url=reverse("channels_log:message_detail", args=[message.pk]) if can_open else "",
                badge=message.get_status_display(),
            )
        )
    items.sort(key=lambda item: item.at, reverse=True)
    return items
