"""``manage.py bench``: generate the association-scale data set (``tools/bench/generate.py``) and measure the
pages, searches, sweeps, PDFs and import against the Django admin and raw SQL (``tools/bench/measure.py``).
Run it on its own database (``make bench``), never on the portal's."""

import json
import os
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.template import engines


class Command(BaseCommand):
    help = "Generate the bench data set (BENCH_BENEFICIARIES, default 200000) and measure the portal against the admin."

    def add_arguments(self, parser):
        parser.add_argument("--beneficiaries", type=int, default=int(os.environ.get("BENCH_BENEFICIARIES", 200000)))
        parser.add_argument("--out", default=str(Path(settings.VAR_DIR) / "bench" / "results.json"))
        parser.add_argument("--rounds", type=int, default=int(os.environ.get("BENCH_ROUNDS", 15)))
        parser.add_argument("--generate-only", action="store_true")
        parser.add_argument("--skip-import", action="store_true", help="leave out the 10k-row import")

    def handle(self, *args, beneficiaries, out, rounds, generate_only, skip_import, **options):
        from tools.bench import generate, measure

        if connection.vendor != "postgresql":
            raise CommandError("The bench runs on PostgreSQL: set DATABASE_URL (make bench does).")
        if connection.settings_dict["NAME"] in ("portal", "portal_test"):
            raise CommandError("Refusing to fill the portal's own database: point DATABASE_URL at portal_bench.")
        if not generate.generated(beneficiaries):
            # The demo's users, policy, services and surveys first: the generated rows refer to them.
            call_command("seed_demo", "--no-logins", stdout=self.stdout)
        scale = generate.generate(beneficiaries, out=self.stdout)
        if generate_only:
            return
        _as_deployed()
        results = measure.run(scale=scale, rounds=rounds, skip_import=skip_import, out=self.stdout)
        path = Path(out)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(results, ensure_ascii=False, indent=2))
        self.stdout.write(f"bench: results written to {path}")


def _as_deployed() -> None:
    """Measure what a deployment runs (``make bench`` starts with DEBUG=1 to skip the production keys): no debug
    cursor recording every query, no template debug information, and the test client's host allowed."""
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    for engine in engines.all():
        engine.engine.debug = False
