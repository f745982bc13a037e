"""What the registry's pages show of the contact log (kernel registry slots, registered in
``ChannelsLogConfig.ready``): the contacts card and the "Record a contact" link on the beneficiary page,
the officer's recent contacts and the unregistered caller's link on the intake desk, and the contacts on the
timeline. A complaint about the viewer (its entry, corrections and answer) is never shown to them
(``visible_to``)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from association.kernel.actions import Action
from association.kernel.registry import TIMELINE_PER_SOURCE, Panel, TimelineItem
from association.kernel.text import person_name

from .models import ContactEntry

VIEW = "channels_log.view_contactentry"
# The beneficiary page lists this many contacts, the desk this many of the officer's own.
CONTACTS_ON_PAGE = 20
DESK_RECENT = 8


def contacts_panel(*, beneficiary, user) -> Panel | None:
    """Slot ``beneficiary_panels``: the person's latest contacts."""
    if not user.has_perm(VIEW):
        return None
    contacts = (
        ContactEntry.objects.visible_to(user)
        .filter(beneficiary=beneficiary)
        .select_related("channel", "recorded_by")[:CONTACTS_ON_PAGE]
    )
    return Panel("channels_log/contacts/_beneficiary_contacts.html", {"contacts": list(contacts)})


def record_contact_action(*, beneficiary, user) -> Action | None:
    """Slot ``beneficiary_actions``: record a contact with this person (on the desk: with a caller who has no
    file)."""
    if not user.has_perm("channels_log.add_contactentry"):
        return None
    if beneficiary is None:
        return Action(
            code="record-contact",
            label=_("Record a contact (unregistered caller)"),
            url=reverse("channels_log:new"),
            method="get",
            style="outline-secondary",
        )
    return Action(
        code="record-contact",
        label=_("Record a contact"),
        url=f"{reverse('channels_log:new')}?beneficiary={beneficiary.public_id}",
        method="get",
        style="outline-primary",
    )


def recent_contacts_panel(*, user) -> Panel | None:
    """Slot ``desk_panels``: the contacts this officer recorded last."""
    if not user.has_perm(VIEW):
        return None
    contacts = (
        ContactEntry.objects.visible_to(user)
        .filter(recorded_by=user)
        .select_related("channel", "beneficiary")
        .order_by("-created_at", "-pk")[:DESK_RECENT]
    )
    return Panel("channels_log/contacts/_desk_recent.html", {"recent_contacts": list(contacts)})


def contacts_timeline(*, beneficiary, user, support_request=None) -> list[TimelineItem]:
    """Slot ``timeline``: the person's contacts (those about ``support_request`` when given), each with its case."""
    if not user.has_perm(VIEW):
        return []
    contacts = ContactEntry.objects.visible_to(user).filter(beneficiary=beneficiary)
    if support_request is not None:
        contacts = contacts.filter(support_request=support_request)
    contacts = contacts.select_related("channel", "recorded_by", "case").order_by("-created_at", "-pk")
    items = []
    for entry in contacts[:TIMELINE_PER_SOURCE]:
        case = getattr(entry, "case", None)
        items.append(
            TimelineItem(
                at=entry.created_at,
                kind="contact",
                kind_label=_("Contact"),
                title=f"{entry.get_purpose_display()} · {entry.channel} · {entry.get_direction_display()}",
                body=entry.subject,
                actor=person_name(entry.recorded_by, _("The portal itself")),
                url=case.get_absolute_url() if case else "",
                badge=f"{case.reference} · {case.get_status_display()}" if case else "",
            )
        )
    return items
