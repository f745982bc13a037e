"""Concurrent writes through the real pages of a running portal, as staff make them: the figure for
embedded mode (SQLite shared by the web threads and the Celery worker).

    manage.py write_stress --url http://127.0.0.1:8000 --username officer --password demo12345

Each of ``--threads`` users' sessions logs in, then records contacts through /contacts/new/ (GET the
form, POST it with its tokens): inquiries and complaints, each opening a case (the worker sends the
sender an SMS and writes its delivery log meanwhile). Every answer that is not the redirect of a saved contact counts
as an error; "database is locked" answers are counted apart. Exit status 1 when any write failed.
"""

import datetime as dt
import html
import http.cookiejar
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_FORM_TOKEN = re.compile(r'name="form_token" value="([^"]+)"')
_CHANNEL = re.compile(r'<select name="channel"[^>]*>.*?<option value="(\d+)"', re.S)
_DELIVERY_FORM = re.compile(r'<form[^>]*action="[^"]*/deliveries/new/"[^>]*>.*?</form>', re.S)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Session:
    """One browser: its own cookies, no redirects followed (a 302 is the answer we look for)."""

    def __init__(self, base: str, timeout: float):
        self.base = base.rstrip("/")
        self.timeout = timeout
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect
        )

    def request(self, path: str, data: dict | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body, headers={"Referer": self.base + path})
        try:
            with self.opener.open(request, timeout=self.timeout) as response:
                return response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode("utf-8", "replace")

    def login(self, username: str, password: str) -> None:
        _status, page = self.request("/accounts/login/")
        status, _page = self.request(
            "/accounts/login/",
            {"username": username, "password": password, "csrfmiddlewaretoken": _field(_CSRF, page)},
        )
        if status != 302:
            raise CommandError(f"log-in as {username} answered {status}")


def _field(pattern, page: str) -> str:
    found = pattern.search(page)
    if not found:
        raise CommandError(f"the page has no {pattern.pattern[:30]}…")
    return html.unescape(found.group(1))


class Command(BaseCommand):
    help = "Concurrent staff writes through a running portal's pages; reports errors (0 expected)."

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000")
        parser.add_argument("--username", default="officer")
        parser.add_argument("--password", default="demo12345")
        parser.add_argument("--threads", type=int, default=16)
        parser.add_argument("--writes", type=int, default=192, help="in all, shared between the threads")
        parser.add_argument("--timeout", type=float, default=60.0)
        parser.add_argument(
            "--requests",
            default="",
            help="ids of registered requests (comma-separated): every other write is then a delivery on one of "
            "them (a transaction that reads the request under lock, then writes)",
        )

    def handle(self, *args, url, username, password, threads, writes, timeout, requests, **options):
        request_ids = [int(pk) for pk in requests.split(",") if pk.strip()]
        outcomes: Counter = Counter()
        failures: list[str] = []
        lock = threading.Lock()
        per_thread = [writes // threads + (1 if i < writes % threads else 0) for i in range(threads)]
        sessions = [Session(url, timeout) for _ in range(threads)]
        for session in sessions:
            session.login(username, password)
        barrier = threading.Barrier(threads)

        def work(index: int, session: Session, count: int) -> None:
            barrier.wait()
            for n in range(count):
                if request_ids and n % 2:
                    status, page = _delivery(session, request_ids[index % len(request_ids)], index, n)
                else:
                    status, page = _contact(session, index, n)
                with lock:
                    if status == 302:
                        outcomes["saved"] += 1
                        continue
                    outcomes[f"status {status}"] += 1
                    if "database is locked" in page:
                        outcomes["database is locked"] += 1
                    if len(failures) < 5:
                        failures.append(f"{status}: {page[:300]}")

        def _contact(session: Session, index: int, n: int) -> tuple[int, str]:
            try:
                status, page = session.request("/contacts/new/")
                if status != 200:
                    raise RuntimeError(f"form page answered {status}")
                data = {
                    "csrfmiddlewaretoken": _field(_CSRF, page),
                    "channel": _field(_CHANNEL, page),
                    "direction": "in",
                    "purpose": "complaint" if n % 2 else "inquiry",
                    "contact_name": f"مراجع {index}-{n}",
                    "contact_mobile": f"055{index:02d}{n:05d}",
                    "subject": f"write stress {index}-{n}",
                    "body": "رسالة اختبار التزامن",
                }
                token = _FORM_TOKEN.search(page)  # absent on a portal from before form tokens
                if token:
                    data["form_token"] = html.unescape(token.group(1))
                status, page = session.request("/contacts/new/", data)
            except Exception as exc:  # noqa: BLE001 - every failure is counted and reported
                status, page = 0, f"{type(exc).__name__}: {exc}"
            return status, page

        def _delivery(session: Session, pk: int, index: int, n: int) -> tuple[int, str]:
            try:
                status, page = session.request(f"/requests/{pk}/")
                if status != 200:
                    raise RuntimeError(f"request page answered {status}")
                form = _DELIVERY_FORM.search(page)
                if not form:
                    raise RuntimeError("the request page has no delivery form (is the request registered?)")
                data = {
                    "csrfmiddlewaretoken": _field(_CSRF, page),
                    "delivery-delivered_on": (timezone.localdate() - dt.timedelta(days=1)).isoformat(),
                    "delivery-what": f"write stress {index}-{n}",
                    "delivery-quantity": "1",
                    "delivery-receipt_confirmed": "on",
                }
                token = _FORM_TOKEN.search(form.group(0))
                if token:
                    data["form_token"] = html.unescape(token.group(1))
                return session.request(f"/requests/{pk}/deliveries/new/", data)
            except Exception as exc:  # noqa: BLE001 - every failure is counted and reported
                return 0, f"{type(exc).__name__}: {exc}"

        started = time.monotonic()
        workers = [
            threading.Thread(target=work, args=(i, session, count))
            for i, (session, count) in enumerate(zip(sessions, per_thread, strict=True))
        ]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        seconds = time.monotonic() - started
        errors = writes - outcomes["saved"]
        self.stdout.write(
            f"{writes} writes from {threads} threads in {seconds:.1f} s: {outcomes['saved']} saved, {errors} errors"
            f" ({outcomes['database is locked']} 'database is locked')"
        )
        for key, value in sorted(outcomes.items()):
            if key not in ("saved", "database is locked"):
                self.stdout.write(f"  {key}: {value}")
        for failure in failures:
            self.stdout.write("  e.g. " + failure.replace("\n", " "))
        if errors:
            raise CommandError(f"{errors} of {writes} writes failed")
