"""Django's admin finds an app's admin here: each of channels_log's jobs registers its own."""

from channels_log.cases import admin as cases_admin  # noqa: F401
from channels_log.contacts import admin as contacts_admin  # noqa: F401
from channels_log.messaging import admin as messaging_admin  # noqa: F401
