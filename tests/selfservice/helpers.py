"""Signing in at /my/ as a person does: ask for a code, read it from the outgoing-message log, type it."""

import datetime as dt
import re

from django.db.models import F
from django.test import Client

from channels_log.messaging.models import OutgoingMessage
from selfservice.messages import SIGN_IN_CODE
from selfservice.models import SignInCode


def last_code(mobile: str) -> str:
    message = OutgoingMessage.objects.filter(event=SIGN_IN_CODE, recipient=mobile).order_by("-pk").first()
    assert message is not None, f"no code was sent to {mobile}"
    return re.search(r"\b(\d{6})\b", message.body).group(1)


def signed_in_client(mobile: str, *, address: str = "10.0.0.1", last_four: str | None = None) -> Client:
    """A browser signed in at /my/ with ``mobile`` (E.164); with ``last_four``, past the ID check too."""
    # A second sign-in in the same test comes "a minute later": the earlier codes are made older than the
    # resend wait.
    SignInCode.objects.filter(mobile=mobile).update(created_at=F("created_at") - dt.timedelta(seconds=61))
    client = Client(REMOTE_ADDR=address)
    response = client.post("/my/sign-in/", {"mobile": mobile})
    assert response.status_code == 302, response.content[:500]
    response = client.post("/my/sign-in/code/", {"code": last_code(mobile)})
    assert response.status_code == 302 and "my_session" in response.cookies, response.content[:500]
    if last_four is not None:
        response = client.post("/my/check-id/", {"last_four": last_four})
        assert response.status_code == 302, response.content[:500]
    return client
