"""Two transactions queue the same key at the same moment (PostgreSQL): one set of messages, no error."""

import time

import pytest
from django.db import transaction

from channels_log.messaging.models import OutgoingMessage
from channels_log.messaging.services import message_queue
from tests.concurrency import run_at_once
from tests.factories import BeneficiaryFactory
from tests.services import require_postgres

pytestmark = pytest.mark.postgres


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_calls_with_one_key_create_one_message():
    require_postgres()
    beneficiary = BeneficiaryFactory()

    def queue(hold: float):
        def run():
            with transaction.atomic():
                rows = message_queue(event="decision_made", key="race", beneficiary=beneficiary, context={})
                time.sleep(hold)  # the first keeps its transaction open while the second inserts
                return [row.pk for row in rows]

        return run

    results = run_at_once([queue(0.5), queue(0.0)])
    assert not [r for r in results if isinstance(r, Exception)], results
    assert OutgoingMessage.objects.filter(group_key="race").count() == 1
    assert results[0] == results[1]
