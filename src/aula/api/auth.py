"""Token authentication for the API's project routes, and the checks a route makes with it.

A route (or router) with ``auth=TokenAuth()`` is called only with a valid token: sent as
``Authorization: Bearer aula_<prefix>_<secret>``, not revoked, not expired. The token is then
``request.auth``; ``require_scope(request, WRITE)`` refuses (403) a token without the scope, and
``token_project_event(request, event_id)`` finds an event of the token's own project only (any
other is 404, as if it did not exist). Actions through the API pass ``actor=None,
via=via_of(request)`` to the domain services, so the audit log shows the token.
"""

from datetime import timedelta

from django.utils import timezone
from ninja.security import HttpBearer

from aula.api.errors import ApiProblem
from aula.api.models import TOKEN_START, ApiToken, via
from aula.events.models import Event

# last_used_at is written at most this often per token, not on every call.
LAST_USED_EVERY = timedelta(minutes=1)


def parse_token(text: str) -> tuple[str, str] | None:
    """``(prefix, secret)`` of ``aula_<prefix>_<secret>``, or None."""
    parts = text.strip().split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_START or not parts[1] or not parts[2]:
        return None
    return parts[1], parts[2]


def find_token(text: str) -> ApiToken | None:
    """The active token ``text`` names (its secret checked in constant time), or None."""
    parsed = parse_token(text)
    if parsed is None:
        return None
    prefix, secret = parsed
    token = ApiToken.objects.select_related("project").filter(prefix=prefix).first()
    if token is None or not token.matches(secret) or not token.is_active():
        return None
    return token


def mark_used(token: ApiToken) -> None:
    now = timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_EVERY:
        return
    # One conditional UPDATE: two processes within the minute write it once.
    from django.db.models import Q

    ApiToken.objects.filter(pk=token.pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_EVERY)
    ).update(last_used_at=now)
    token.last_used_at = now


class TokenAuth(HttpBearer):
    """``Authorization: Bearer aula_…``; ``request.auth`` is then the ``ApiToken``."""

    def authenticate(self, request, token: str) -> ApiToken | None:
        found = find_token(token)
        if found is not None:
            mark_used(found)
            request.api_token = found
        return found


def token_of(request) -> ApiToken:
    token = getattr(request, "auth", None)
    if not isinstance(token, ApiToken):
        raise ApiProblem(401, "A valid API token is needed.")
    return token


def require_scope(request, *scopes: str) -> ApiToken:
    """The request's token, or 403 (problem details) when it lacks one of ``scopes``."""
    token = token_of(request)
    missing = [scope for scope in scopes if not token.has_scope(scope)]
    if missing:
        raise ApiProblem(
            403, f"This token lacks the scope {', '.join(missing)}.", kind="scope",
            title="Scope missing",
        )
    return token


def via_of(request) -> str:
    """``api-token:<id>`` of the request's token: the ``via=`` of the services it calls."""
    return via(token_of(request))


def token_project_event(request, event_id: int, queryset=None) -> Event:
    """The event ``event_id`` of the token's project; 404 for any other."""
    token = token_of(request)
    queryset = queryset if queryset is not None else Event.objects.all()
    event = queryset.filter(pk=event_id, project_id=token.project_id).first()
    if event is None:
        raise ApiProblem(404, "There is no such event in this token's project.")
    return event
