from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_roles(sender, using="default", apps=None, **kwargs):
    from django.apps import apps as global_apps
    from django.contrib.auth.management import create_permissions

    from .kernel.roles import sync_role_groups

    # post_migrate reaches this app before the apps listed after it, whose new permissions would not
    # exist yet: create every app's permissions first (idempotent), then give the groups theirs.
    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using, apps=apps or global_apps)
    sync_role_groups(using=using)


def _ensure_reference_data(sender, using="default", **kwargs):
    from .channels import channels_ensure_core

    channels_ensure_core(using=using)


class AssociationConfig(AppConfig):
    name = "association"
    verbose_name = _("Association")

    def ready(self):
        from .kernel import lookups  # noqa: F401 — integer __in lookups that leave out-of-range numbers out

        # Runs after every migrate so permissions of models added later reach the role groups.
        post_migrate.connect(_sync_roles, sender=self, dispatch_uid="association.sync_roles")
        # The eight policy channels always exist (DESIGN.md): a data migration creates them, and this handler
        # restores any that went missing — e.g. after a database flush, which emits post_migrate.
        post_migrate.connect(_ensure_reference_data, sender=self, dispatch_uid="association.ensure_core_channels")
        # The embedded database holds people's data: readable by the portal's own user only.
        from django.db.backends.signals import connection_created

        from .kernel.private_files import make_sqlite_owner_only

        connection_created.connect(make_sqlite_owner_only, dispatch_uid="association.sqlite_owner_only")

        # Cached reads (association.kernel.memo) retired when what they read changes.
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group, Permission
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from .kernel import memo
        from .kernel.roles import forget_grants
        from .models import AssociationProfile

        user_model = get_user_model()
        for through in (user_model.groups.through, user_model.user_permissions.through, Group.permissions.through):
            m2m_changed.connect(forget_grants, sender=through, dispatch_uid=f"memo.grants.{through.__name__}")
        # A group renamed changes roles; a user, group or permission deleted may leave its number to another.
        for signal, model in [(post_save, Group), (post_save, Permission)] + [
            (post_delete, model) for model in (user_model, Group, Permission)
        ]:
            signal.connect(forget_grants, sender=model, dispatch_uid=f"memo.grants.{model.__name__}.{id(signal)}")

        from .branches import Branch
        from .channels import Channel

        memo.watch(AssociationProfile)  # the letterhead of every page
        memo.watch(Branch)  # the lists' and forms' drop-downs read them from the cache
        memo.watch(Channel)

        # Two-step sign-in is decided once at sign-in (association.two_factor), not on every page.
        from django.contrib.auth.signals import user_logged_in

        from .two_factor import check_at_login

        user_logged_in.connect(check_at_login, dispatch_uid="association.two_factor_check_at_login")

        from .kernel import registry
        from .letterhead import letterhead

        # Every PDF is printed on the association's letterhead (the kernel's renderer asks this provider).
        registry.register("pdf_letterhead", letterhead)

        from . import demo
        from .policy import demo as policy_demo
        from .policy import documents  # noqa: F401 — registers the "policy" PDF (@document)

        registry.register("demo", demo.seed_profile, order=0)
        registry.register("demo", demo.seed_branches, order=1)
        registry.register("demo", policy_demo.seed_file, order=5)
        registry.register("demo", policy_demo.seed, order=40)
        from . import breaches

        registry.register("demo", breaches.seed_demo, order=96)
