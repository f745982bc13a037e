from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from surveys.services import response_figures_mismatches, response_figures_refresh


class Command(BaseCommand):
    help = (
        "Check that every survey response's stored figures (the results page sums them) match its answers; "
        "--rebuild recomputes them all first (after answers were written outside surveys.services)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true", help="recompute every response's figures, then check")

    def handle(self, *args, rebuild, **options):
        if rebuild:
            with transaction.atomic():
                updated = response_figures_refresh()
            self.stdout.write(f"{updated} responses recomputed")
        wrong = response_figures_mismatches()
        count = wrong.count()
        if count:
            sample = ", ".join(str(pk) for pk in wrong.values_list("pk", flat=True)[:10])
            raise CommandError(f"{count} responses have figures that differ from their answers (e.g. {sample})")
        self.stdout.write("Survey figures match the answers")
