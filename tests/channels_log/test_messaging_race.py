"""Two transactions queue the same key at the same moment (PostgreSQL): one set of messages, no error."""

import threading
import time

import pytest
from django.db import connection, transaction

from channels_log.messaging.models import OutgoingMessage
from channels_log.messaging.services import message_queue
from tests.factories import BeneficiaryFactory
from tests.services import require_postgres

pytestmark = pytest.mark.postgres


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_calls_with_one_key_create_one_message():
    require_postgres()
    beneficiary = BeneficiaryFactory()
    barrier = threading.Barrier(2)
    results, errors = [], []

    def queue(hold: float):
        try:
            with transaction.atomic():
                barrier.wait(timeout=10)
                rows = message_queue(event="decision_made", key="race", beneficiary=beneficiary, context={})
                time.sleep(hold)  # the first keeps its transaction open while the second inserts
                results.append([row.pk for row in rows])
        except Exception as exc:  # surfaced by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=queue, args=(hold,)) for hold in (0.5, 0.0)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert OutgoingMessage.objects.filter(group_key="race").count() == 1
    assert len(results) == 2 and results[0] == results[1]
