"""What the registry's pages show of the messages sent to a person (kernel registry slots, registered in
``ChannelsLogConfig.ready``): the "Messages sent" card and the messages on the timeline. A message about a
complaint against the viewer is never shown to them (``visible_to``)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from association.kernel.registry import TIMELINE_PER_SOURCE, Panel, TimelineItem

from .models import OutgoingMessage

# The beneficiary page lists this many messages, newest first.
MESSAGES_ON_PAGE = 20


def _messages(*, beneficiary, user):
    return OutgoingMessage.objects.visible_to(user).filter(beneficiary=beneficiary).order_by("-created_at", "-pk")


def messages_panel(*, beneficiary, user) -> Panel | None:
    """Slot ``beneficiary_panels``: the latest messages sent to the person, with their delivery status."""
    messages = list(_messages(beneficiary=beneficiary, user=user)[:MESSAGES_ON_PAGE])
    return Panel("channels_log/messages/_for_beneficiary.html", {"outgoing_messages": messages})


def messages_timeline(*, beneficiary, user, support_request=None) -> list[TimelineItem]:
    """Slot ``timeline``: every message told to the person, with its delivery status (not on a request's
    own timeline: the request page lists its messages apart)."""
    if support_request is not None:
        return []
    can_open = user.has_perm("channels_log.view_outgoingmessage")
    return [
        TimelineItem(
            at=message.sent_at or message.created_at,
            kind="message",
            kind_label=_("Message sent"),
            title=f"{message.get_event_display()} · {message.get_channel_display()}",
            body=message.body,
            url=reverse("channels_log:message_detail", args=[message.pk]) if can_open else "",
            badge=message.get_status_display(),
        )
        for message in _messages(beneficiary=beneficiary, user=user)[:TIMELINE_PER_SOURCE]
    ]
