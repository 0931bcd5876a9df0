"""A per-address limit on registration attempts, counted in the cache (never a CAPTCHA).

Setting ``AULA_REGISTRATION_RATE_LIMIT``: "<count>/<number><s|m|h>", e.g. "20/10m"; empty or
"0/…" turns the limit off. Fixed windows: simple, one cache round trip or two per attempt.
"""

import re
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured

DEFAULT_RATE = "20/10m"
RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smh])\s*$")
UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600}


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: int


def parse_rate(text: str, setting: str = "AULA_REGISTRATION_RATE_LIMIT",
               example: str = DEFAULT_RATE) -> Rate | None:
    if not text:
        return None
    match = RATE.match(text)
    if not match:
        raise ImproperlyConfigured(f"{setting} must look like '{example}', not {text!r}")
    count, number, unit = match.groups()
    if int(count) == 0:
        return None
    return Rate(int(count), int(number or 1) * UNIT_SECONDS[unit])


def configured_rate() -> Rate | None:
    return parse_rate(getattr(settings, "AULA_REGISTRATION_RATE_LIMIT", DEFAULT_RATE))


def client_address(request) -> str:
    """The client's address. Behind a reverse proxy, set ``AULA_TRUSTED_PROXIES`` to the number
    of proxies in front of Aula so the address comes from ``X-Forwarded-For``; otherwise
    everyone behind the proxy would share one limit."""
    proxies = int(getattr(settings, "AULA_TRUSTED_PROXIES", 0) or 0)
    if proxies:
        forwarded = [
            part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def allow(request, scope: str = "register") -> tuple[bool, int]:
    """Count one attempt; (allowed, seconds until the window ends)."""
    rate = configured_rate()
    if rate is None:
        return True, 0
    return count(f"aula:rate:{scope}:{client_address(request)}", rate)


def count(key: str, rate: Rate) -> tuple[bool, int]:
    """Count one hit on ``key`` in the current fixed window of ``rate`` (the API's limit counts
    with it too); (allowed, seconds until the window ends)."""
    now = time.time()
    window = int(now // rate.seconds)
    key = f"{key}:{window}"
    cache.add(key, 0, rate.seconds + 1)
    try:
        hits = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, rate.seconds + 1)
        hits = 1
    retry_after = int((window + 1) * rate.seconds - now) + 1
    return hits <= rate.count, retry_after
