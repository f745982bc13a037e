"""The one place a survey invitation leaves the portal: the contact-log outbox
(``channels_log.messaging.services.message_queue``), which picks SMS or email from the beneficiary's
preferences and consent, and sends after the commit. Its key makes the queue idempotent, so the
invitation and its one reminder are each queued once, whatever happens to the sweep."""

from channels_log.messaging.services import message_queue

from .messages import INVITATION


def invitation_message_queue(invitation, *, reminder: bool) -> None:
    """Called inside the sweep's transaction, right after ``sent_at``/``reminded_at`` is set, so the
    record and the queued message commit together."""
    kind = "reminder" if reminder else "invitation"
    message_queue(
        event=INVITATION,
        key=f"survey_{kind}:{invitation.pk}",
        beneficiary=invitation.beneficiary,
        subject_id=invitation.support_request_id,  # the request its survey is about (kind from surveys.messages)
        context={
            "url": invitation.absolute_url(),
            "reminder": reminder,
            "survey": invitation.version.title_ar,
            "support_request": invitation.support_request,
        },
    )
