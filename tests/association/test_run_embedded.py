"""`make run`'s command, run for real: every way of stopping it (Ctrl-C, SIGTERM, closing the terminal,
the parent dying) stops the web app and the worker and frees the port; links follow ``--addr``; the
URL and the logins are printed once the site answers, after a short demo summary (no raw emails)."""

import contextlib
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest

from association.management.commands.run_embedded import parse_addr, site_url_for

BASE = Path(__file__).resolve().parents[2]
PORTS = range(8160, 8170)  # this suite's own range
RUNNING = "The portal is running at"
STARTUP = 90  # seconds, bounded waits on a shared machine
STOPPED = 40


def _free_port() -> int:
    for port in PORTS:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    pytest.fail(f"no free port in {PORTS}")


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def _marked(marker: str) -> list[int]:
    """Every live process started for this test: they inherit the marker in their environment."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            if f"PORTAL_TEST_RUN={marker}".encode() in (entry / "environ").read_bytes().split(b"\0"):
                status = (entry / "status").read_text()
                if "\nState:\tZ" not in status:
                    found.append(int(entry.name))
    return found


@pytest.fixture(scope="module")
def var_dir(tmp_path_factory):
    """One migrated SQLite database for the module, as `make run` has after `make migrate`."""
    path = tmp_path_factory.mktemp("embedded")
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=BASE,
        env=_env(path, "migrate"),
        check=True,
        timeout=300,
    )
    return path


def _env(var_dir: Path, marker: str, **extra) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "CELERY_BROKER_URL", "SITE_URL", "EMAIL_BACKEND", "EMAIL_FILE_PATH")
    }
    return {**env, "VAR_DIR": str(var_dir), "DEBUG": "1", "PORTAL_TEST_RUN": marker, **extra}


class Embedded:
    """``run_embedded`` in a child process, its output collected in the background."""

    def __init__(self, var_dir: Path, *, seed=False, wrap_in_shell=False, **env):
        self.port = _free_port()
        self.marker = uuid.uuid4().hex
        command = [sys.executable, "manage.py", "run_embedded", "--addr", f"127.0.0.1:{self.port}"]
        if seed:
            command.append("--seed-demo")
        if wrap_in_shell:  # a parent like make: the shell waits for the command (no exec)
            command = ["sh", "-c", " ".join(command) + "; echo after"]
        self.lines: list[str] = []
        self.answered_when_announced = None
        self.process = subprocess.Popen(
            command,
            cwd=BASE,
            env=_env(var_dir, self.marker, **env),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.process.stdout:
            if RUNNING in line and self.answered_when_announced is None:
                self.answered_when_announced = _answers(self.port)
            self.lines.append(line.rstrip("\n"))

    def wait_running(self):
        deadline = time.monotonic() + STARTUP
        while not any(RUNNING in line for line in self.lines):
            assert self.process.poll() is None, "\n".join(self.lines[-40:])
            assert time.monotonic() < deadline, "never announced:\n" + "\n".join(self.lines[-40:])
            time.sleep(0.2)
        # The web app, the worker (with its pool and beat) and the command itself.
        deadline = time.monotonic() + 15
        while len(_marked(self.marker)) < 4 and time.monotonic() < deadline:
            time.sleep(0.2)
        return _marked(self.marker)

    def assert_all_gone(self):
        deadline = time.monotonic() + STOPPED
        while _marked(self.marker) and time.monotonic() < deadline:
            time.sleep(0.2)
        left = _marked(self.marker)
        assert not left, "still running: " + ", ".join(
            Path(f"/proc/{pid}/cmdline").read_text().replace("\0", " ") for pid in left if Path(f"/proc/{pid}").exists()
        )
        assert not _answers(self.port)
        with socket.socket() as probe:  # the port is free for the next run
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(("127.0.0.1", self.port))

    def kill_everything(self):
        for pid in _marked(self.marker):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


@pytest.fixture
def embedded(var_dir):
    started = []

    def start(**kwargs):
        run = Embedded(var_dir, **kwargs)
        started.append(run)
        return run

    yield start
    for run in started:
        run.kill_everything()


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP], ids=["ctrl-c", "sigterm", "sighup"])
def test_every_stop_signal_stops_the_web_app_and_the_worker(embedded, signum):
    run = embedded()
    processes = run.wait_running()
    assert len(processes) >= 4, run.lines[-20:]
    assert _answers(run.port)
    run.process.send_signal(signum)
    run.process.wait(timeout=STOPPED)
    run.assert_all_gone()
    assert run.process.returncode == 0
    run.reader.join(timeout=5)
    assert run.lines[-1] == "Stopped."


def test_a_killed_parent_stops_the_web_app_and_the_worker(embedded):
    """``make`` killed outright (SIGKILL, nothing forwarded): the command and its children still stop."""
    run = embedded(wrap_in_shell=True)
    run.wait_running()
    run.process.kill()  # the shell, as make would be
    run.process.wait(timeout=5)
    run.assert_all_gone()


def test_the_url_is_announced_once_the_site_answers_and_links_follow_addr(embedded):
    run = embedded()
    run.wait_running()
    assert run.answered_when_announced is True
    announced = next(line for line in run.lines if RUNNING in line)
    assert announced.endswith(f"http://127.0.0.1:{run.port}/")
    # The web app and the worker (every child of the command) build links with the address they answer on.
    children = set(_marked(run.marker)) - {run.process.pid}
    assert len(children) >= 3
    for pid in children:
        environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
        assert f"SITE_URL=http://127.0.0.1:{run.port}".encode() in environ
    logins = run.lines[run.lines.index(announced) :]
    assert any(line.split() and line.split()[0] == "officer" for line in logins)
    run.process.send_signal(signal.SIGTERM)
    run.process.wait(timeout=STOPPED)
    run.assert_all_gone()


def test_an_explicit_site_url_is_kept(embedded):
    run = embedded(SITE_URL="https://portal.example.org")
    run.wait_running()
    assert any("https://portal.example.org/" in line for line in run.lines if RUNNING in line)
    for pid in _marked(run.marker):
        assert b"SITE_URL=https://portal.example.org" in Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    run.process.send_signal(signal.SIGTERM)
    run.process.wait(timeout=STOPPED)
    run.assert_all_gone()


def test_demo_seed_prints_a_short_summary_and_its_links_follow_addr(embedded, var_dir):
    run = embedded(seed=True)
    run.wait_running()
    announced = next(i for i, line in enumerate(run.lines) if RUNNING in line)
    before = run.lines[:announced]
    # No raw MIME emails over the console: they are files under var/mail.
    assert not any(marker in line for line in before for marker in ("Content-Type:", "MIME-Version", "Subject: "))
    assert any("Demo data ready" in line for line in before)
    assert not any(line.strip().startswith("officer ") for line in before), "logins only once the site answers"
    assert any(line.strip().startswith("officer ") for line in run.lines[announced:])
    assert list((var_dir / "mail").iterdir())
    with contextlib.closing(sqlite3.connect(var_dir / "portal.sqlite3")) as db:
        bodies = [row[0] for row in db.execute("select body from channels_log_outgoingmessage")]
    assert any(f"http://127.0.0.1:{run.port}/" in body for body in bodies)
    assert not any("127.0.0.1:8000" in body for body in bodies)
    run.process.send_signal(signal.SIGINT)
    run.process.wait(timeout=STOPPED)
    run.assert_all_gone()


@pytest.mark.parametrize(
    ("addr", "expected"),
    [
        ("127.0.0.1:8000", "http://127.0.0.1:8000"),
        ("8161", "http://127.0.0.1:8161"),
        ("localhost:9000", "http://localhost:9000"),
        ("[::1]:8000", "http://[::1]:8000"),
    ],
)
def test_the_site_address_follows_addr(addr, expected):
    assert site_url_for(addr) == expected


def test_listening_everywhere_links_to_an_address_others_can_reach():
    url = site_url_for("0.0.0.0:8080")
    assert url.startswith("http://") and url.endswith(":8080") and "0.0.0.0" not in url


def test_an_address_without_a_port_is_refused():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        parse_addr("localhost")
