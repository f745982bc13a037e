from pathlib import Path

from django.core.exceptions import ObjectDoesNotExist
from django.core.management.base import BaseCommand, CommandError

from association.kernel.pdf import document_kinds


class Command(BaseCommand):
    help = "Render a printable document to a PDF file: render_document KIND PK -o FILE"

    def add_arguments(self, parser):
        parser.add_argument("kind", help="acknowledgment, declaration, decision, minutes or policy")
        parser.add_argument("pk", type=int)
        parser.add_argument("-o", "--output", required=True)

    def handle(self, *args, kind, pk, output, **options):
        kinds = document_kinds()
        if kind not in kinds:
            raise CommandError(f"Unknown kind {kind!r}; choose from: {', '.join(sorted(kinds))}")
        try:
            data, _name = kinds[kind](pk)
        except (LookupError, ObjectDoesNotExist) as exc:
            raise CommandError(str(exc)) from None
        Path(output).write_bytes(data)
        self.stdout.write(f"{output}: {len(data)} bytes")
