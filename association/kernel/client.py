"""The client's address, the one way every part of the portal reads it (log-in lockout, throttles).

Production runs behind reverse proxies; ``TRUSTED_PROXIES`` says how many (default 0: the portal is
reached directly and ``REMOTE_ADDR`` is the client). Each trusted proxy appends the address it saw to
``X-Forwarded-For``, so the client is the right-most address that none of our proxies wrote: with
``n`` proxies, the ``n``-th entry from the right of ``X-Forwarded-For`` + ``REMOTE_ADDR``'s chain,
counting ``REMOTE_ADDR`` as the first. Whatever the client itself put to the left is ignored, so a
forged header changes nothing.
"""

import ipaddress

from django.conf import settings

UNKNOWN = "0.0.0.0"  # noqa: S104 — a placeholder address, never bound


def _valid(value: str) -> str | None:
    """``value`` as a canonical IP address, or None. Accepts ``1.2.3.4:port`` and ``[::1]:port``."""
    value = value.strip()
    if value.startswith("[") and "]" in value:
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # IPv4 with a port; a bare IPv6 address has several colons
        value = value.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def client_address(request) -> str:
    """The address of the client that sent ``request``, as far as the trusted proxies can tell."""
    remote = _valid(request.META.get("REMOTE_ADDR", "")) or UNKNOWN
    trusted = settings.TRUSTED_PROXIES
    if trusted <= 0:
        return remote
    forwarded = [part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    chain = [*forwarded, remote]
    # Fewer entries than proxies: the request skipped an outer proxy; the left-most entry was still
    # written by one of ours.
    candidate = chain[-(trusted + 1)] if len(chain) > trusted else chain[0]
    return _valid(candidate) or remote
