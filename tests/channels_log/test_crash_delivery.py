"""Never lost, never twice — against a real worker, real Redis and PostgreSQL.

A worker sends 100 SMS to the loopback gateway and is killed with SIGKILL mid-run (a message is in the
gateway's hands, not yet recorded as sent); a new worker finishes the job. Then 100 more are queued while no
worker runs and Redis is flushed: the sweep (beat, in the worker) hands them over again. Every message ends
``sent``, and the gateway delivered each key exactly once (a repeat of the in-flight message after the kill
carries the same key and is deduplicated there, as the idempotency key is meant to make it).
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from channels_log.messaging.models import DeliveryLogEntry, OutgoingMessage
from tests.factories import BeneficiaryFactory
from tests.services import redis_url, require_postgres

from .sms_gateway import LoopbackGateway

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

COUNT = 100
REDIS_DB = 7

QUEUE_SCRIPT = """
import sys
import django
django.setup()
from django.db import transaction
from beneficiaries.models import Beneficiary
from channels_log.messaging.services import message_queue
prefix = sys.argv[1]
with transaction.atomic():
    for beneficiary in Beneficiary.objects.order_by("pk"):
        message_queue(event="request_received", key=f"{prefix}-{beneficiary.pk}", beneficiary=beneficiary,
                      context={"reference": f"R-{beneficiary.pk}"})
"""


def _redis_db7(url: str) -> str:
    base = url.split("://", 1)[1].split("/", 1)[0]
    return f"redis://{base}/{REDIS_DB}"


def _database_url() -> str:
    db = connection.settings_dict
    auth = quote(db["USER"] or "")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"])
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _wait(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    pytest.fail(f"timed out after {timeout}s waiting for {what}")


def _sent(prefix: str) -> int:
    return OutgoingMessage.objects.filter(group_key__startswith=f"{prefix}-", status="sent").count()


class Worker:
    def __init__(self, env: dict, workdir: Path):
        self.env, self.workdir, self.runs, self.process = env, workdir, 0, None

    def start(self):
        self.runs += 1
        log = open(self.workdir / f"worker{self.runs}.log", "wb")  # noqa: SIM115 (closed with the process)
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "association",
                "worker",
                "--beat",
                "--concurrency=2",
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                f"--hostname=crash{self.runs}@%h",
                f"--schedule={self.workdir / f'beat{self.runs}'}",
            ],
            cwd=settings.BASE_DIR,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()

    def kill(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)  # the worker and its pool children, no goodbye
            self.process.wait(timeout=10)

    def log_tail(self) -> str:
        path = self.workdir / f"worker{self.runs}.log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else ""


def _queue(env: dict, prefix: str):
    subprocess.run([sys.executable, "-c", QUEUE_SCRIPT, prefix], cwd=settings.BASE_DIR, env=env, check=True, timeout=60)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_killed_worker_and_a_flushed_broker_neither_lose_nor_repeat_a_message(tmp_path):
    require_postgres()
    broker = _redis_db7(redis_url())
    import redis

    redis_client = redis.Redis.from_url(broker)
    redis_client.flushdb()  # our own DB only
    BeneficiaryFactory.create_batch(COUNT)

    with LoopbackGateway(delay=0.08) as gateway:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "association.settings",
            "DATABASE_URL": _database_url(),
            "DB_CONN_MAX_AGE": "0",
            "CELERY_BROKER_URL": broker,
            "CELERY_TASK_ALWAYS_EAGER": "0",
            "VAR_DIR": str(tmp_path),
            "SMS_BACKEND": "http",
            "SMS_GATEWAY_URL": gateway.url,
            "SMS_GATEWAY_TIMEOUT": "2",
            # Far above a send (80 ms, 2 s timeout) even on a loaded machine: only a killed send outlives it.
            "MESSAGING_LEASE_SECONDS": "10",
            "MESSAGING_REQUEUE_AFTER_SECONDS": "4",
            "MESSAGING_RETRY_BASE_SECONDS": "1",
            "MESSAGING_SWEEP_SECONDS": "1",
        }
        worker = Worker(env, tmp_path)
        try:
            # 1. Kill -9 mid-run, while the gateway holds a message the worker has not recorded as sent.
            worker.start()
            _queue(env, "crash")
            _wait(
                lambda: len(gateway.delivered) >= 25 and gateway.in_flight > 0,
                60,
                f"the first deliveries\n{worker.log_tail()}",
            )
            worker.kill()
            assert len(gateway.delivered) < COUNT, "the kill must land mid-run"
            assert OutgoingMessage.objects.filter(group_key__startswith="crash-", status="sending").exists()
            worker.start()
            _wait(lambda: _sent("crash") == COUNT, 90, f"every message sent after the restart\n{worker.log_tail()}")

            # 2. Queued while no worker runs, then the broker loses everything: the sweep recovers.
            worker.kill()
            redis_client.flushdb()  # leftover wake-ups from phase 1 (the sweep's duplicates) out of the count
            _queue(env, "flush")
            assert redis_client.llen("celery") == COUNT
            redis_client.flushdb()
            worker.start()
            _wait(lambda: _sent("flush") == COUNT, 90, f"every message sent after the flush\n{worker.log_tail()}")
        finally:
            worker.kill()
            redis_client.flushdb()

    messages = OutgoingMessage.objects.filter(status="sent")
    assert messages.count() == 2 * COUNT
    keys = set(messages.values_list("key", flat=True))
    # Every message reached the gateway and was delivered there exactly once…
    assert set(gateway.delivered) == keys
    assert all(gateway.hits[key] >= 1 for key in keys)
    # …a repeat happened only for what was in the gateway's hands at the kill (2 pool processes), and it
    # carried the same key, so the gateway recognised it.
    repeated = [key for key, hits in gateway.hits.items() if hits > 1]
    assert len(repeated) <= 2 and all(key.startswith("crash-") for key in repeated), gateway.hits.most_common(5)
    assert set(gateway.hits) == keys
    # The message the kill caught in `sending` was taken again after its lease, not by a blind re-send.
    resent = set(
        DeliveryLogEntry.objects.filter(detail__startswith="lease expired").values_list("message__key", flat=True)
    )
    assert resent and set(repeated) <= resent
    # The provider id the gateway gave is the one recorded.
    assert all(gateway.delivered[m.key] == m.provider_id for m in messages)
