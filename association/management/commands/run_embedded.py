"""Run the portal in its embedded mode: the web app and a Celery worker with beat on the
filesystem broker, together.

- The site address follows ``--addr``: unless ``SITE_URL`` is set explicitly, survey links, QR codes
  and the links in SMS and emails point at the address the portal really answers on.
- Every way of stopping it stops both children: Ctrl-C (SIGINT), SIGTERM, closing the terminal
  (SIGHUP), and the parent (``make``) dying, which Linux turns into a SIGTERM for this process.
- The URL and the demo logins are printed once the web app answers, not before.
"""

import contextlib
import ctypes
import os
import signal
import socket
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from association.demo import DEMO_PASSWORD, USERS

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
STARTUP_SECONDS = 60
STOP_SECONDS = 10
_PR_SET_PDEATHSIG = 1


class Stop(Exception):
    """Raised by the signal handlers: leave the main loop and stop the children."""


def parse_addr(addr: str) -> tuple[str, int]:
    """``runserver``'s address forms: ``8000``, ``host:8000``, ``[::1]:8000``."""
    host, _, port = addr.rpartition(":")
    host = host.strip("[]") or "127.0.0.1"
    if not port.isdigit():
        raise CommandError(f"--addr must end with a port number, e.g. 127.0.0.1:8000 (not {addr!r})")
    return host, int(port)


def lan_address() -> str:
    """The address other devices on the network reach this machine at (no packet is sent)."""
    with contextlib.suppress(OSError), socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.connect(("10.255.255.255", 1))
        return probe.getsockname()[0]
    return "127.0.0.1"


def site_url_for(addr: str) -> str:
    """The absolute address links should carry when the portal listens on ``addr``."""
    host, port = parse_addr(addr)
    if host in ("0.0.0.0", "::"):
        host = lan_address()  # listening everywhere: a phone scanning a QR code needs the LAN address
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


def answers(host: str, port: int) -> bool:
    if host in ("0.0.0.0", "::"):
        host = "127.0.0.1" if host == "0.0.0.0" else "::1"
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def die_with_parent(signum: int = signal.SIGTERM) -> None:
    """Ask Linux to send ``signum`` to the calling process when its parent dies."""
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signum, 0, 0, 0)


def _shown(path) -> str:
    """A path as the person who typed `make run` finds it: relative to the project when inside it."""
    path = os.path.abspath(path)
    base = str(settings.BASE_DIR)
    return os.path.relpath(path, base) if path.startswith(base + os.sep) else path


def _raise_stop(signum, frame):
    raise Stop(signal.Signals(signum).name)


class Command(BaseCommand):
    help = "Run the web app and a Celery worker + beat (embedded broker) until stopped."

    def add_arguments(self, parser):
        parser.add_argument("--addr", default="127.0.0.1:8000", help="host:port for the web app")
        parser.add_argument("--seed-demo", action="store_true", help="load the demo data first (seed_demo)")

    def handle(self, *args, addr, seed_demo, **options):
        host, port = parse_addr(addr)
        env = dict(os.environ)
        if not os.environ.get("SITE_URL"):
            env["SITE_URL"] = site_url_for(addr)
        site_url = env["SITE_URL"].rstrip("/")
        python = sys.executable
        manage = os.path.join(settings.BASE_DIR, "manage.py")

        parent = os.getppid()
        die_with_parent()
        for signum in STOP_SIGNALS:
            signal.signal(signum, _raise_stop)
        if os.getppid() != parent:  # the parent died before we asked to be told
            return

        children = []
        try:
            # The demo is loaded in a child process, so its links carry the same SITE_URL as the web app's.
            if seed_demo and subprocess.run([python, manage, "seed_demo", "--no-logins"], env=env).returncode:
                raise CommandError("Loading the demo data failed; see the messages above.")
            if answers(host, port):
                raise CommandError(f"Something already answers on {addr}: choose another ADDR.")
            broker = settings.CELERY_BROKER_URL
            if broker.startswith("filesystem://"):
                for folder in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
                    os.makedirs(settings.CELERY_BROKER_TRANSPORT_OPTIONS[folder], exist_ok=True)
            # Own sessions: a Ctrl-C in the terminal reaches only this process, which stops the
            # children in order (the worker through its main process, so its pool exits quietly).
            # If this process is killed outright, the children get SIGTERM from Linux.
            worker = subprocess.Popen(
                [
                    python,
                    "-m",
                    "celery",
                    "-A",
                    "association",
                    "worker",
                    "--beat",
                    "--concurrency=1",
                    "--loglevel=INFO",
                    f"--schedule={settings.CELERY_BEAT_SCHEDULE_FILENAME}",
                ],
                env=env,
                start_new_session=True,
                preexec_fn=die_with_parent,
            )
            children.append(worker)
            web = subprocess.Popen(
                [python, manage, "runserver", addr], env=env, start_new_session=True, preexec_fn=die_with_parent
            )
            children.append(web)
            self._wait_until_answering(host, port, children)
            self._announce(site_url)
            while all(child.poll() is None for child in children):
                time.sleep(0.5)
        except (Stop, KeyboardInterrupt):
            pass
        finally:
            # A second signal while stopping must not cut the clean-up short.
            for signum in STOP_SIGNALS:
                signal.signal(signum, signal.SIG_IGN)
            self._stop(children)
        with contextlib.suppress(OSError, ValueError):  # the terminal may be gone (SIGHUP)
            self.stdout.write("Stopped.")

    def _wait_until_answering(self, host, port, children):
        deadline = time.monotonic() + STARTUP_SECONDS
        while not answers(host, port):
            if any(child.poll() is not None for child in children):
                raise CommandError("The web app or the worker stopped while starting; see the messages above.")
            if time.monotonic() > deadline:
                raise CommandError(f"The web app did not answer on {host}:{port} within {STARTUP_SECONDS} s.")
            time.sleep(0.2)

    def _announce(self, site_url):
        self.stdout.write(self.style.SUCCESS(f"\nThe portal is running at {site_url}/"))
        self.stdout.write(f"Demo logins (password {DEMO_PASSWORD} for all):")
        for username, _first, _last, role in USERS:
            self.stdout.write(f"  {username:<12} {role or 'admin (superuser, /admin/)'}")
        self.stdout.write("Intake desk: log in as 'officer'.")
        if settings.EMAIL_BACKEND.endswith("filebased.EmailBackend"):
            self.stdout.write(f"Emails are written to {_shown(settings.EMAIL_FILE_PATH)}/")
        if settings.SMS_BACKEND == "file":
            self.stdout.write(f"SMS are written to {_shown(settings.SMS_FILE_PATH)}")
        self.stdout.write("Ctrl-C stops the web app and the worker.\n")

    @staticmethod
    def _stop(children):
        for child in children:
            if child.poll() is None:
                # The leader only: Celery's main process stops its own pool workers cleanly, and
                # runserver's reloader stops the server it runs.
                child.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_SECONDS
        for child in children:
            with contextlib.suppress(subprocess.TimeoutExpired):
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            # Whatever is left in the child's session (a pool worker, the reloader's server) goes too.
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(child.pid, signal.SIGKILL)
