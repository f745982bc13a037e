from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_roles(sender, using="default", **kwargs):
    from .roles import sync_role_groups

    sync_role_groups(using=using)


class AssociationConfig(AppConfig):
    name = "association"
    verbose_name = _("Association")

    def ready(self):
        # Runs after every migrate so permissions of models added later reach the role groups.
        post_migrate.connect(_sync_roles, sender=self, dispatch_uid="association.sync_roles")
