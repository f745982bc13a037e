"""Signing in at /my/: a one-time code sent to the mobile, the short session it opens, and the ID digits the
sensitive pages ask for.

- A code has 6 digits, is valid 5 minutes and allows 5 wrong tries; it is stored as a keyed hash (the salted
  HMAC of the code with the mobile), never in clear (the outgoing SMS carries it, as it must).
- A new code for the same mobile is sent 60 seconds after the last one at the earliest, at most
  ``CODES_PER_MOBILE`` an hour; every code request and every code try counts against the client address
  (``association.kernel.client.client_address``, the proxies the settings trust) in fixed windows.
- Every well-formed mobile is answered alike: a code is sent whether or not the association knows it (a new
  applicant registers after signing in), so the page tells nobody whose number is on file.
- The session: the browser keeps a signed random key in its own cookie (``COOKIE``, never the staff session),
  the database keeps the key's hash. It ends after ``SESSION_IDLE`` without a request, ``SESSION_MAX`` after
  it started, or at sign-out.
"""

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from django.core import signing
from django.db import connection, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from association.kernel.text import to_ascii_digits
from channels_log.cases.throttle import hit
from channels_log.messaging.services import message_queue

from . import messages
from .models import Applicant, ApplicantSession, SignInCode

CODE_DIGITS = 6
CODE_VALID = dt.timedelta(minutes=5)
CODE_TRIES = 5
RESEND_AFTER = dt.timedelta(seconds=60)
CODES_PER_MOBILE = 5  # an hour
ADDRESS_CODE_REQUESTS = 10  # per ADDRESS_WINDOW
ADDRESS_CODE_TRIES = 20  # per ADDRESS_WINDOW
ADDRESS_WINDOW = 600  # seconds
SESSION_IDLE = dt.timedelta(minutes=15)
SESSION_MAX = dt.timedelta(hours=1)
ID_CHECK_VALID = dt.timedelta(minutes=10)
ID_TRIES = 5
COOKIE = "my_session"
_SALT = "selfservice.session"


@dataclass(frozen=True)
class CodeRequest:
    """What happened to a code request: ``sent``, ``wait`` (``seconds`` before the next) or ``limited``."""

    outcome: str
    seconds: int = 0


def _hash(code: str, *, mobile: str, salt: str) -> str:
    return salted_hmac("selfservice.sign_in_code", f"{salt}:{mobile}:{code}", algorithm="sha256").hexdigest()


def code_request(*, mobile: str, client_address: str, now=None) -> CodeRequest:
    """Send a new sign-in code to ``mobile`` (already normalised), unless a limit stops it."""
    if not hit("my-code", client_address, limit=ADDRESS_CODE_REQUESTS, window=ADDRESS_WINDOW):
        return CodeRequest("limited")
    return code_send(mobile=mobile, client_address=client_address, now=now)


@transaction.atomic
def code_send(*, mobile: str, client_address: str | None, now=None) -> CodeRequest:
    """The per-mobile rules and the sending: 60 seconds after the last code at the earliest, at most
    ``CODES_PER_MOBILE`` an hour."""
    now = now or timezone.now()
    _serialise(mobile)
    recent = SignInCode.objects.filter(mobile=mobile, created_at__gt=now - dt.timedelta(hours=1))
    last = recent.order_by("-created_at").first()
    if last is not None and now - last.created_at < RESEND_AFTER:
        return CodeRequest("wait", int((RESEND_AFTER - (now - last.created_at)).total_seconds()) + 1)
    if recent.count() >= CODES_PER_MOBILE:
        return CodeRequest("limited")
    code = "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))
    salt = secrets.token_hex(16)
    row = SignInCode.objects.create(
        mobile=mobile,
        code_hash=_hash(code, mobile=mobile, salt=salt),
        salt=salt,
        created_at=now,
        expires_at=now + CODE_VALID,
        client_address=client_address,
    )
    # To the bare mobile, whatever file it belongs to: only the phone that asked receives it.
    message_queue(
        event=messages.SIGN_IN_CODE,
        key=f"selfservice:code:{row.pk}",
        mobile=mobile,
        context={"code": code, "minutes": int(CODE_VALID.total_seconds() // 60)},
    )
    return CodeRequest("sent")


def _serialise(mobile: str) -> None:
    """Two requests for one mobile at the same moment: the second waits for the first's commit and then sees
    its code (a transaction-scoped advisory lock on PostgreSQL; SQLite serialises writing transactions)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"selfservice.code:{mobile}"])


def code_verify(*, mobile: str, code: str, client_address: str, now=None) -> Applicant | None:
    """The applicant of ``mobile`` when ``code`` is its newest code, unused, in time and within its tries;
    ``None`` otherwise (a wrong code uses up one try; the fifth wrong one ends the code)."""
    now = now or timezone.now()
    if not hit("my-code-try", client_address, limit=ADDRESS_CODE_TRIES, window=ADDRESS_WINDOW):
        return None
    with transaction.atomic():
        row = SignInCode.objects.select_for_update().filter(mobile=mobile).order_by("-created_at", "-pk").first()
        if row is None or row.used_at is not None or row.expires_at <= now or row.attempts >= CODE_TRIES:
            return None
        if not constant_time_compare(row.code_hash, _hash(to_ascii_digits(code.strip()), mobile=mobile, salt=row.salt)):
            row.attempts += 1
            row.save(update_fields=["attempts"])
            return None
        row.used_at = now
        row.save(update_fields=["used_at"])
        return applicant_signed_in(mobile=mobile, now=now)


def applicant_signed_in(*, mobile: str, now) -> Applicant:
    """The applicant of ``mobile`` (created the first time), their file checked, after a right code."""
    applicant, _created = Applicant.objects.select_for_update().get_or_create(mobile=mobile)
    applicant_link(applicant)
    applicant.last_signed_in_at = now
    applicant.save(update_fields=["beneficiary", "last_signed_in_at"])
    return applicant


def applicant_link(applicant: Applicant) -> None:
    """Keep the applicant's file the one registered with their mobile: a file whose mobile changed at the
    desk is no longer this phone's; with no file, the one file with this mobile (several: the ID digits
    choose, ``id_check``). The caller saves."""
    from beneficiaries.models import Beneficiary

    if applicant.beneficiary_id is not None and applicant.beneficiary.mobile != applicant.mobile:
        applicant.beneficiary = None
    if applicant.beneficiary_id is None:
        candidates = list(Beneficiary.objects.filter(mobile=applicant.mobile).order_by("pk")[:2])
        if len(candidates) == 1:
            applicant.beneficiary = candidates[0]


# ---- sessions ---------------------------------------------------------------------------------------------


def _key_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def session_start(*, applicant: Applicant, client_address: str, now=None) -> str:
    """Open a session; returns the cookie value (the signed key)."""
    now = now or timezone.now()
    raw = secrets.token_urlsafe(32)
    ApplicantSession.objects.create(
        applicant=applicant,
        key_hash=_key_hash(raw),
        created_at=now,
        last_seen_at=now,
        expires_at=now + SESSION_MAX,
        client_address=client_address,
    )
    return signing.TimestampSigner(salt=_SALT).sign(raw)


def session_load(cookie: str | None, *, now=None) -> ApplicantSession | None:
    """The live session the cookie names, its last-seen time moved on; ``None`` for a missing, forged,
    ended or expired one."""
    if not cookie:
        return None
    now = now or timezone.now()
    try:
        raw = signing.TimestampSigner(salt=_SALT).unsign(cookie, max_age=SESSION_MAX)
    except signing.BadSignature:
        return None
    session = (
        ApplicantSession.objects.select_related("applicant", "applicant__beneficiary")
        .filter(key_hash=_key_hash(raw), ended_at__isnull=True)
        .first()
    )
    if session is None or now >= session.expires_at or now - session.last_seen_at >= SESSION_IDLE:
        return None
    session.last_seen_at = now
    ApplicantSession.objects.filter(pk=session.pk).update(last_seen_at=now)
    return session


def session_end(session: ApplicantSession, *, now=None) -> None:
    ApplicantSession.objects.filter(pk=session.pk, ended_at__isnull=True).update(ended_at=now or timezone.now())


def id_checked(session: ApplicantSession, *, now=None) -> bool:
    now = now or timezone.now()
    return session.id_checked_at is not None and now - session.id_checked_at < ID_CHECK_VALID


@transaction.atomic
def id_check(*, session: ApplicantSession, last_four: str, now=None) -> bool:
    """Do ``last_four`` end the national ID of the applicant's file? With no file yet and several files on
    the mobile, the digits choose among them. ``ID_TRIES`` wrong answers end the session."""
    from beneficiaries.models import Beneficiary

    now = now or timezone.now()
    locked = ApplicantSession.objects.select_for_update().select_related("applicant").get(pk=session.pk)
    applicant = Applicant.objects.select_for_update().get(pk=locked.applicant_id)
    digits = to_ascii_digits((last_four or "").strip())
    matched = None
    if len(digits) == 4 and digits.isascii() and digits.isdigit():
        if applicant.beneficiary_id is not None:
            matched = applicant.beneficiary if applicant.beneficiary.national_id.endswith(digits) else None
        else:
            candidates = [
                b for b in Beneficiary.objects.filter(mobile=applicant.mobile) if b.national_id.endswith(digits)
            ]
            matched = candidates[0] if len(candidates) == 1 else None
    if matched is None:
        locked.id_tries += 1
        fields = ["id_tries"]
        if locked.id_tries >= ID_TRIES:
            locked.ended_at = now
            fields.append("ended_at")
        locked.save(update_fields=fields)
        session.id_tries, session.ended_at = locked.id_tries, locked.ended_at
        return False
    if applicant.beneficiary_id is None:
        applicant.beneficiary = matched
        applicant.save(update_fields=["beneficiary"])
    locked.id_checked_at = now
    locked.save(update_fields=["id_checked_at"])
    session.id_checked_at = now
    session.applicant = applicant
    return True
