from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChannelsLogConfig(AppConfig):
    name = "channels_log"
    verbose_name = _("Channels and contacts")

    def ready(self):
        from association.kernel import registry
        from channels_log.cases import demo as case_demo
        from channels_log.contacts import demo as contact_demo
        from channels_log.messaging import demo as message_demo

        registry.register("demo", contact_demo.seed_intake_contacts, order=31)
        registry.register("demo", contact_demo.seed_field_intake, order=33)
        registry.register("demo", case_demo.seed, order=70)
        # Last: it also delivers the messages the others' demo flows queued.
        registry.register("demo", message_demo.seed, order=71)

        # The registry's pages show the contact log and the messages sent (the providers modules).
        from channels_log.contacts import providers as contact_providers
        from channels_log.messaging import providers as message_providers

        registry.register("beneficiary_panels", contact_providers.contacts_panel, order=30)
        registry.register("beneficiary_panels", message_providers.messages_panel, order=40)
        registry.register("beneficiary_actions", contact_providers.record_contact_action, order=10)
        registry.register("desk_panels", contact_providers.recent_contacts_panel, order=10)
        registry.register("timeline", contact_providers.contacts_timeline, order=30)
        registry.register("timeline", message_providers.messages_timeline, order=40)
        # What each part holds about a person: the PDPL export and erasure, and the outbox's retention.
        from channels_log.cases import privacy as case_privacy
        from channels_log.contacts import privacy as contact_privacy
        from channels_log.messaging import privacy as message_privacy

        contact_privacy.register()
        case_privacy.register()
        message_privacy.register()

        # The outbox learns its events and what messages are about from the apps that send (cases here).
        from django.db.models.signals import post_migrate

        from channels_log.cases import messages as case_messages
        from channels_log.cases import subscribers as case_subscribers
        from channels_log.messaging.services import message_templates_ensure

        case_messages.register()
        # Every registered event gets its default wording once the tables exist (never overwriting an edit).
        post_migrate.connect(message_templates_ensure, sender=self, dispatch_uid="channels_log.message_templates")
        # A low survey score opens a follow-up contact and case.
        case_subscribers.subscribe_all()
