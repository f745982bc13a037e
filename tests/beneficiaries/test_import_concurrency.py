"""Two confirmations of the same file racing on PostgreSQL: one imports, the other imports nothing."""

import pytest

from beneficiaries import services
from beneficiaries.models import Beneficiary, BulkTransfer, Consent
from tests.concurrency import run_at_once
from tests.services import require_postgres

from .import_files import ImportFile, valid_row

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_two_simultaneous_confirmations_import_the_file_once(officer, manager):
    require_postgres()
    content = ImportFile(rows=[valid_row(n) for n in range(300)]).csv()

    def confirm(actor):
        return lambda: services.beneficiary_import(
            actor=actor, content=content, file_name="same.csv", expected_rows=300
        )

    results = run_at_once([confirm(officer), confirm(manager)])
    assert sorted(type(r).__name__ for r in results) == ["BulkTransfer", "ValidationError"]
    winner = next(r for r in results if isinstance(r, BulkTransfer))
    assert Beneficiary.objects.count() == 300
    assert set(Beneficiary.objects.values_list("created_by", flat=True)) == {winner.user_id}
    assert BulkTransfer.objects.count() == 1
    assert Consent.objects.filter(source_import=winner).count() == 300
