import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from association.kernel.roles import Role
from association.policy.importing import PolicyReadError, parse_file
from association.policy.services import association_name_warning, policy_import


class Command(BaseCommand):
    help = (
        "Read a beneficiary relationship policy (.txt, .docx or .pdf) and create a draft version; "
        "--json prints what was read instead."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--json", action="store_true", help="print the parsed policy as JSON; save nothing")
        parser.add_argument("--user", help="username of the manager recorded as creating the draft")

    def handle(self, *args, file, json: bool, user=None, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {file}")
        from association.channels import Channel

        extra = dict(Channel.objects.values_list("code", "name_ar"))
        try:
            parsed = parse_file(path.read_bytes(), path.name, extra_channels=extra)
        except PolicyReadError as exc:
            raise CommandError(str(exc)) from None
        name_warning = association_name_warning(parsed)
        if name_warning is not None:
            parsed.warnings.insert(0, name_warning)
        if json:
            self.stdout.write(_dumps(parsed.as_json()))
            return
        actor = self._actor(user)
        try:
            version = policy_import(parsed=parsed, actor=actor, source_name=path.name)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        self.stdout.write(
            f"Draft version {version.number} (pk {version.pk}): {len(parsed.sections)} sections, "
            f"channels {', '.join(version.channels) or '-'}, window {version.decision_window_days or '-'} days"
        )
        profile = version.procedure
        self.stdout.write(
            f"Procedure: {profile.individual_decider_name} ({profile.individual_decider}) decides individual requests"
            f"{'' if profile.individual_requests else ' (not run)'}, window "
            f"{profile.decision_window_days or 'none'}; program requests {'yes' if profile.program_requests else 'no'}, "
            f"volunteer proposals {'yes' if profile.volunteer_proposals else 'no'}"
        )
        for warning in parsed.warnings:
            self.stdout.write(f"  line {warning.line}: {warning.message}")

    def _actor(self, username):
        users = get_user_model().objects.filter(is_active=True)
        if username:
            actor = users.filter(username=username).first()
            if actor is None:
                raise CommandError(f"No active user {username!r}")
            return actor
        actor = users.filter(groups__name=Role.MANAGER).order_by("pk").first()
        actor = actor or users.filter(is_superuser=True).order_by("pk").first()
        if actor is None:
            raise CommandError("No manager or superuser to record as the draft's author; pass --user")
        return actor


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
