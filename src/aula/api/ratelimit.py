"""The API's rate limit: per token for token calls, per client address for anonymous ones.

Setting ``AULA_API_RATE_LIMIT``: "<count>/<number><s|m|h>" (default "600/10m"); empty or "0/…"
turns it off. Fixed windows counted in Django's cache, as the registration limit does
(``registrations.ratelimit``, whose client address — ``AULA_TRUSTED_PROXIES`` — it shares).
Over the limit: 429 problem details with ``Retry-After``.
"""

import threading

from django.conf import settings
from ninja.throttling import BaseThrottle

from aula.registrations import ratelimit
from aula.registrations.ratelimit import Rate, client_address

DEFAULT_RATE = "600/10m"


def parse_rate(text: str) -> Rate | None:
    return ratelimit.parse_rate(text, "AULA_API_RATE_LIMIT", DEFAULT_RATE)


def configured_rate() -> Rate | None:
    return parse_rate(getattr(settings, "AULA_API_RATE_LIMIT", DEFAULT_RATE))


def caller(request) -> str:
    """Whose calls count together: the token's, else the client address's."""
    token = getattr(request, "auth", None)
    if token is not None and getattr(token, "pk", None) is not None:
        return f"token:{token.pk}"
    return f"ip:{client_address(request)}"


def hit(request) -> tuple[bool, int]:
    """Count one call; (allowed, seconds until the window ends)."""
    rate = configured_rate()
    if rate is None:
        return True, 0
    return ratelimit.count(f"aula:rate:api:{caller(request)}", rate)


class ApiRateLimit(BaseThrottle):
    """ninja runs it after the token check, so ``request.auth`` is known."""

    _local = threading.local()

    def allow_request(self, request) -> bool:
        allowed, retry_after = hit(request)
        self._local.wait = retry_after
        return allowed

    def wait(self) -> float | None:
        return getattr(self._local, "wait", None)
