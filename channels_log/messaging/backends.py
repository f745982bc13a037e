"""Where messages leave the portal: email through Django's email settings, SMS through a pluggable gateway.

``SMS_BACKEND`` chooses the SMS gateway: ``file`` (the embedded default: one JSON line per message in
``SMS_FILE_PATH``), ``console`` (stdout), ``http`` (a generic HTTP gateway: ``SMS_GATEWAY_URL``,
``SMS_GATEWAY_USER``/``SMS_GATEWAY_PASSWORD`` as basic auth, ``SMS_GATEWAY_BODY_TEMPLATE`` with
``$to``, ``$text``, ``$key``, ``$sender``), or a dotted path to a class with the same ``send`` method.

Every backend's ``send(message) -> provider id`` receives the message's unique key and hands it to the
provider as its reference, so a repeat after a crash is recognised there (see ``channels_log.messaging``).
It raises ``SendError`` (``permanent=True`` when retrying cannot help).
"""

import base64
import json
import os
import string
import sys
import urllib.error
import urllib.request
from email.utils import make_msgid

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils.module_loading import import_string


class SendError(Exception):
    def __init__(self, reason: str, *, permanent: bool = False):
        super().__init__(reason)
        self.permanent = permanent


class EmailBackend:
    """Django's configured email backend (SMTP in production, console in the embedded mode)."""

    def send(self, message) -> str:
        domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "localhost"
        # The key is part of the Message-ID: a repeat after a crash is the same message to the mail system.
        message_id = make_msgid(idstring=message.key.replace(":", "."), domain=domain)
        email = EmailMessage(
            subject=message.subject or message.get_event_display(),
            body=message.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[message.recipient],
            headers={"Message-ID": message_id, "X-Portal-Message-Key": message.key},
        )
        try:
            email.send(fail_silently=False)
        except OSError as exc:
            raise SendError(f"email: {exc}") from exc
        return message_id


class FileSmsBackend:
    """Appends one JSON line per SMS to ``SMS_FILE_PATH``: the embedded mode's gateway, readable in demos."""

    def send(self, message) -> str:
        path = settings.SMS_FILE_PATH
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        line = json.dumps({"key": message.key, "to": message.recipient, "text": message.body}, ensure_ascii=False)
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(line + "\n")
        return f"file:{message.key}"


class ConsoleSmsBackend:
    def send(self, message) -> str:
        sys.stdout.write(f"SMS to {message.recipient} [{message.key}]\n{message.body}\n\n")
        sys.stdout.flush()
        return f"console:{message.key}"


class HttpSmsBackend:
    """A generic HTTP SMS gateway: POST ``SMS_GATEWAY_BODY_TEMPLATE`` to ``SMS_GATEWAY_URL``.

    The body template is ``string.Template`` text; values are JSON-escaped when the content type is JSON.
    The message key goes in the ``Idempotency-Key`` header and as ``$key`` in the body, so the gateway
    dedupes a repeat. The provider id is read from the JSON response field ``SMS_GATEWAY_ID_FIELD``,
    else the whole (short) response text. 4xx answers (except 408 and 429) are permanent failures.
    """

    def send(self, message) -> str:
        url = settings.SMS_GATEWAY_URL
        if not url:
            raise SendError("SMS_GATEWAY_URL is not set", permanent=True)
        content_type = settings.SMS_GATEWAY_CONTENT_TYPE
        values = {"to": message.recipient, "text": message.body, "key": message.key, "sender": settings.SMS_SENDER}
        if "json" in content_type:
            values = {name: json.dumps(value, ensure_ascii=False)[1:-1] for name, value in values.items()}
        elif "x-www-form-urlencoded" in content_type:
            from urllib.parse import quote_plus

            values = {name: quote_plus(value) for name, value in values.items()}
        body = string.Template(settings.SMS_GATEWAY_BODY_TEMPLATE).safe_substitute(values).encode("utf-8")
        request = urllib.request.Request(url, data=body, method="POST")
        request.add_header("Content-Type", content_type)
        request.add_header("Idempotency-Key", message.key)
        if settings.SMS_GATEWAY_USER:
            token = f"{settings.SMS_GATEWAY_USER}:{settings.SMS_GATEWAY_PASSWORD}".encode()
            request.add_header("Authorization", "Basic " + base64.b64encode(token).decode("ascii"))
        try:
            with urllib.request.urlopen(request, timeout=settings.SMS_GATEWAY_TIMEOUT) as response:  # noqa: S310
                answer = response.read(65536).decode("utf-8", "replace")
        except urllib.error.HTTPError as exc:
            detail = exc.read(500).decode("utf-8", "replace")
            permanent = 400 <= exc.code < 500 and exc.code not in (408, 429)
            raise SendError(f"gateway answered {exc.code}: {detail}", permanent=permanent) from exc
        except (urllib.error.URLError, OSError) as exc:
            raise SendError(f"gateway unreachable: {exc}") from exc
        try:
            provider_id = str(json.loads(answer).get(settings.SMS_GATEWAY_ID_FIELD, ""))
        except (ValueError, AttributeError):
            provider_id = ""
        return provider_id or answer.strip()[:200] or message.key


SMS_BACKENDS = {"file": FileSmsBackend, "console": ConsoleSmsBackend, "http": HttpSmsBackend}


def get_backend(channel: str):
    if channel == "email":
        return EmailBackend()
    name = settings.SMS_BACKEND
    return (SMS_BACKENDS.get(name) or import_string(name))()
