from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from beneficiaries.models import Beneficiary
from beneficiaries.privacy.services import subject_export


class Command(BaseCommand):
    help = "Everything held about one person (PDPL access request): subject_export UUID -o FILE [--pdf]"

    def add_arguments(self, parser):
        parser.add_argument("public_id", help="the beneficiary's opaque id (the UUID in their page's address)")
        parser.add_argument("-o", "--output", required=True, help="FILE; a name ending .pdf gives a PDF")
        parser.add_argument("--pdf", action="store_true", help="a PDF whatever the file name")

    def handle(self, *args, public_id, output, pdf, **options):
        try:
            beneficiary = Beneficiary.objects.get(public_id=public_id)
        except (Beneficiary.DoesNotExist, ValidationError):
            raise CommandError(f"No beneficiary with the id {public_id!r}") from None
        file_format = "pdf" if pdf or output.lower().endswith(".pdf") else "json"
        content, _name = subject_export(beneficiary=beneficiary, file_format=file_format, actor=None)
        Path(output).write_bytes(content)
        self.stdout.write(f"{output}: {len(content)} bytes ({file_format})")
