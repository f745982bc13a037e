"""A small SMS gateway on loopback for the messaging tests: it dedupes on the idempotency key, the way a
real provider with idempotency does, and records every hit so a test can tell delivered from repeated."""

import base64
import contextlib
import json
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class LoopbackGateway:
    def __init__(self, *, delay: float = 0.0, status: int = 200, user: str = "", password: str = ""):
        self.delay = delay
        self.status = status
        self.credentials = (user, password) if user else None
        self.hits: Counter[str] = Counter()
        self.delivered: dict[str, str] = {}  # key → provider id, first time only
        self.bodies: list[dict] = []
        self.headers: list[dict] = []
        self.in_flight = 0
        self._lock = threading.Lock()
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                if gateway.credentials:
                    expected = base64.b64encode(":".join(gateway.credentials).encode()).decode()
                    if self.headers.get("Authorization") != f"Basic {expected}":
                        return self._answer(401, {"error": "unauthorised"})
                if gateway.status != 200:
                    return self._answer(gateway.status, {"error": "gateway says no"})
                key = self.headers.get("Idempotency-Key", "")
                with gateway._lock:
                    gateway.in_flight += 1
                    gateway.hits[key] += 1
                    gateway.headers.append(dict(self.headers))
                    try:
                        gateway.bodies.append(json.loads(raw))
                    except ValueError:
                        gateway.bodies.append({"raw": raw.decode("utf-8", "replace")})
                    if key not in gateway.delivered:
                        gateway.delivered[key] = f"gw-{len(gateway.delivered) + 1}"
                    provider_id = gateway.delivered[key]
                try:
                    # Slow on purpose: the worker can be killed after delivery, before it hears back.
                    time.sleep(gateway.delay)
                    self._answer(200, {"id": provider_id, "status": "accepted"})
                finally:
                    with gateway._lock:
                        gateway.in_flight -= 1

            def _answer(self, status, payload):
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sms"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
