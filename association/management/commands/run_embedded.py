"""Run the portal in its embedded mode: the web app and a Celery worker with beat on the
filesystem broker, together; Ctrl-C stops both."""

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand

from .seed_demo import DEMO_PASSWORD, USERS


class Command(BaseCommand):
    help = "Run the web app and a Celery worker + beat (embedded broker) until Ctrl-C."

    def add_arguments(self, parser):
        parser.add_argument("--addr", default="127.0.0.1:8000")

    def handle(self, *args, addr, **options):
        broker = settings.CELERY_BROKER_URL
        if broker.startswith("filesystem://"):
            for folder in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
                os.makedirs(settings.CELERY_BROKER_TRANSPORT_OPTIONS[folder], exist_ok=True)
        python = sys.executable
        worker = subprocess.Popen(
            [python, "-m", "celery", "-A", "association", "worker", "--beat", "--concurrency=1",
             "--loglevel=INFO", f"--schedule={settings.CELERY_BEAT_SCHEDULE_FILENAME}"],
            start_new_session=True,
        )
        web = subprocess.Popen([python, "manage.py", "runserver", addr], start_new_session=True)
        time.sleep(1)
        self.stdout.write(self.style.SUCCESS(f"\nThe portal is running at http://{addr}/"))
        self.stdout.write(f"Demo logins (password {DEMO_PASSWORD}): " + ", ".join(u[0] for u in USERS))
        self.stdout.write("Intake desk: log in as 'officer'. Ctrl-C stops the web app and the worker.\n")
        children = [web, worker]
        try:
            while all(child.poll() is None for child in children):
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            for child in children:
                if child.poll() is None:
                    # The leader only: Celery's main process stops its own pool workers cleanly.
                    child.send_signal(signal.SIGTERM)
            deadline = time.monotonic() + 10
            for child in children:
                try:
                    child.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    os.killpg(child.pid, signal.SIGKILL)
        self.stdout.write("Stopped.")
