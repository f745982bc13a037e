"""Rate limit for the public forms: every POST from one client address counts, whatever its outcome.

The client address is the kernel's ``association.kernel.client.client_address``: ``REMOTE_ADDR``, or behind
``TRUSTED_PROXIES`` reverse proxies the address the outermost of them saw (a forged
``X-Forwarded-For`` changes nothing). The counter lives in Django's cache (Redis in production, so
every web replica shares it) in fixed windows: ``add`` creates the window's counter atomically and
``incr`` bumps it atomically.
"""

import time
from functools import wraps

from django.core.cache import cache
from django.shortcuts import render

from association.kernel.client import client_address

PUBLIC_POST_LIMIT = 10
PUBLIC_POST_WINDOW = 600  # seconds


def hit(scope: str, address: str, *, limit: int, window: int) -> bool:
    """Count one hit; True while the address is within ``limit`` hits in the current window."""
    bucket = int(time.time()) // window
    key = f"throttle:{scope}:{address}:{bucket}"
    cache.add(key, 0, timeout=window + 60)
    try:
        count = cache.incr(key)
    except ValueError:  # the key expired between add and incr
        cache.add(key, 1, timeout=window + 60)
        count = 1
    return count <= limit


def throttle_posts(scope: str = "public", limit: int = PUBLIC_POST_LIMIT, window: int = PUBLIC_POST_WINDOW):
    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method == "POST" and not hit(scope, client_address(request), limit=limit, window=window):
                response = render(request, "public/too_many.html", {"minutes": window // 60}, status=429)
                response["Retry-After"] = str(window - int(time.time()) % window)
                return response
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
