"""Demo data for the embedded mode: idempotent (a rerun changes nothing), prints the logins.

The command knows no app: each app registers its demo loaders with the kernel registry (slot ``demo``, in
its ``AppConfig.ready``) and they run here in their order (the list is in ``association.demo``).
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from association.demo import DEMO_PASSWORD, USERS, demo_users
from association.kernel import events, registry
from association.kernel.roles import sync_role_groups


class Command(BaseCommand):
    help = "Load idempotent demo data (association, users of every role, beneficiaries, contacts, drafts)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-logins",
            action="store_true",
            help="do not list the demo logins (run_embedded lists them once the site answers)",
        )
        parser.add_argument(
            "--policy",
            metavar="FILE",
            help="the association's policy document (.txt, .docx, .pdf): imported, approved as it states, and the "
            "demo follows the procedure it sets (who decides, the window, which procedures run)",
        )

    @transaction.atomic
    def handle(self, *args, no_logins=False, policy=None, **options):
        if policy and not Path(policy).is_file():
            raise CommandError(f"No such policy file: {policy}")
        sync_role_groups()
        users = demo_users()
        state: dict = {"policy_file": policy} if policy else {}
        # One transaction for the whole story, but each reaction (an invitation after a decision, a follow-up after
        # a low score...) happens with what caused it, on the demo clock, as after that step's own commit.
        with events.immediately():
            registry.collect("demo", users=users, stdout=self.stdout, state=state)
        profile = state.get("association")
        created = len(state.get("registered", []))
        name = profile.name if profile is not None else ""
        self.stdout.write(self.style.SUCCESS(f"Demo data ready: {name}; {created} new beneficiaries."))
        if no_logins:
            return
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, _first, _last, role in USERS:
            self.stdout.write(f"  {username:<12} {role or 'admin (superuser)'}")
