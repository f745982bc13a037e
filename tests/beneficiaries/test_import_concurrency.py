"""Two confirmations of the same file racing on PostgreSQL: one imports, the other imports nothing."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from beneficiaries import services
from beneficiaries.models import Beneficiary, BulkTransfer, Consent
from tests.services import require_postgres

from .import_files import ImportFile, valid_row

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_two_simultaneous_confirmations_import_the_file_once(officer, manager):
    require_postgres()
    content = ImportFile(rows=[valid_row(n) for n in range(300)]).csv()
    barrier = threading.Barrier(2)
    outcomes = {}

    def confirm(actor):
        try:
            barrier.wait()
            outcomes[actor.username] = services.beneficiary_import(
                actor=actor, content=content, file_name="same.csv", expected_rows=300
            )
        except ValidationError as exc:
            outcomes[actor.username] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=confirm, args=(user,)) for user in (officer, manager)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    results = list(outcomes.values())
    assert sorted(type(r).__name__ for r in results) == ["BulkTransfer", "ValidationError"]
    winner = next(r for r in results if isinstance(r, BulkTransfer))
    assert Beneficiary.objects.count() == 300
    assert set(Beneficiary.objects.values_list("created_by", flat=True)) == {winner.user_id}
    assert BulkTransfer.objects.count() == 1
    assert Consent.objects.filter(source_import=winner).count() == 300
