"""Django finds an app's models here: channels_log's three jobs keep theirs in their sub-packages (the
contact log in ``contacts``, cases in ``cases``, outgoing messages in ``messaging``), same app label and
tables. Nobody imports this module: import from the sub-package."""

from channels_log.cases.models import Case, CaseEvent, ResponseTarget  # noqa: F401
from channels_log.contacts.models import ContactAttachment, ContactDay, ContactEntry  # noqa: F401
from channels_log.messaging.models import (  # noqa: F401
    DeliveryLogEntry,
    MessagePreference,
    MessageTemplate,
    OutgoingMessage,
)
