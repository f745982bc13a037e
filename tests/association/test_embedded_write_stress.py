"""Embedded mode under concurrent writes: 16 staff sessions make 192 writes at once through the real
pages of a running portal (``run_embedded``: runserver's threads and a Celery worker with beat on one
SQLite file): contacts, each opening a case (the worker sends and logs the senders' SMS meanwhile), and
deliveries, whose transaction reads the request under lock before writing. Every write is saved; none
answers 500 "database is locked". The finding: 75 of 192 did; the same stress against the settings from
before this fix (deferred transactions, rollback journal): 80 of 192.

It runs the portal the way ``make run`` does, on a file database of its own under a temporary
VAR_DIR (an in-memory test database could not show file locking), whatever database the rest of the
suite uses. The figure is printed; ``manage.py write_stress`` gives it against any running portal.
"""

import io
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from django.core.management import call_command

BASE = Path(__file__).resolve().parents[2]
THREADS, WRITES = 16, 192


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _embedded_env(var_dir: Path) -> dict:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DATABASE_URL", "REDIS_URL"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "association.settings",
            "DEBUG": "1",
            "VAR_DIR": str(var_dir),
            "CELERY_BROKER_URL": "",
            "SMS_BACKEND": "file",
            "PYTHONDONTWRITEBYTECODE": "1",
            "MEDIA_ROOT": str(var_dir / "media"),
            "STATIC_ROOT": str(var_dir / "static"),
            "SITE_URL": "",
        }
    )
    return env


def _manage(env, *args, timeout=600) -> str:
    done = subprocess.run(
        [sys.executable, str(BASE / "manage.py"), *args], env=env, cwd=BASE, capture_output=True, timeout=timeout
    )
    assert done.returncode == 0, done.stderr.decode()[-3000:]
    return done.stdout.decode()


MAKE_OFFICER_AND_REQUESTS = """
from association.kernel.roles import Role
from django.contrib.auth.models import Group, User
from requests_app.models import SupportRequest
from tests.factories import SupportRequestFactory
officer = User.objects.create_user("stress-officer", password="stress-pass-12345")
officer.groups.add(Group.objects.get(name=Role.RELATIONS_OFFICER))
registered = [SupportRequestFactory(status=SupportRequest.Status.REGISTERED, created_by=officer) for _ in range(16)]
print(",".join(str(r.pk) for r in registered))
"""

COUNT = """
from channels_log.cases.models import Case
from channels_log.contacts.models import ContactEntry
from requests_app.models import Delivery
print(ContactEntry.objects.filter(subject__startswith="write stress").count(),
      Case.objects.filter(contact__subject__startswith="write stress").count(),
      Delivery.objects.filter(what__startswith="write stress").count())
"""


def test_sixteen_sessions_writing_at_once_to_embedded_sqlite_get_no_error(tmp_path):
    (tmp_path / "var").mkdir()  # as `make run` makes var/
    env = _embedded_env(tmp_path / "var")
    _manage(env, "migrate", "--noinput", "-v0")
    request_ids = _manage(env, "shell", "-v", "0", "-c", MAKE_OFFICER_AND_REQUESTS).strip()
    database = tmp_path / "var" / "portal.sqlite3"
    assert database.is_file()  # a file, as in embedded mode

    port = _free_port()
    log = tmp_path / "portal.log"  # a file, not a pipe: the server's request log must never fill a buffer
    portal = subprocess.Popen(
        [sys.executable, str(BASE / "manage.py"), "run_embedded", "--addr", f"127.0.0.1:{port}"],
        env=env,
        cwd=BASE,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 90
        while True:
            assert portal.poll() is None, log.read_text(errors="replace")[-3000:]
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            assert time.monotonic() < deadline, "the embedded portal did not start"
            time.sleep(0.5)
        out = io.StringIO()
        call_command(
            "write_stress",
            url=f"http://127.0.0.1:{port}",
            username="stress-officer",
            password="stress-pass-12345",
            threads=THREADS,
            writes=WRITES,
            requests=request_ids,
            stdout=out,
        )
        print("\n" + out.getvalue())
        assert f"{WRITES} saved, 0 errors (0 'database is locked')" in out.getvalue()
    finally:
        portal.terminate()  # run_embedded stops its web app and worker on SIGTERM
        try:
            portal.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(portal.pid, 9)
            portal.wait(timeout=10)
    contacts, cases, deliveries = (int(n) for n in _manage(env, "shell", "-v", "0", "-c", COUNT).split())
    assert (contacts, cases, deliveries) == (WRITES // 2, WRITES // 2, WRITES // 2)
    journal = _manage(
        env,
        "shell",
        "-v",
        "0",
        "-c",
        "from django.db import connection; c = connection.cursor(); "
        "c.execute('PRAGMA journal_mode'); print(c.fetchone()[0])",
    ).strip()
    assert journal == "wal"
