"""Every error of the API in one shape: RFC 9457 problem details (``application/problem+json``).

``{"type", "title", "status", "detail", "instance"}``, and for invalid input an ``errors`` list
(``location``, ``field``, ``message``). A route raises ``ApiProblem(status, detail)``; a domain
refusal (``core.errors.ActionRefused``) becomes 409 with its message; ninja's validation errors
become 422, Django's ``Http404`` 404, anything unexpected a 500 that says nothing of the inside.
``api.middleware.ProblemMiddleware`` gives the same shape to the errors made outside the routes
(an unknown address under /api/, a method not allowed, a NUL byte refused by core.security).
"""

import json
import logging
import math
from http import HTTPStatus

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404, HttpResponse
from ninja import Schema
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError

from aula.core.errors import ActionRefused
from aula.core.unavailable import connection_lost

logger = logging.getLogger(__name__)

MEDIA_TYPE = "application/problem+json"
# The type URIs are relative references (RFC 9457 §3.1.1) to the API's documentation.
TYPE_BASE = "/api/v1/problems/"


class FieldError(Schema):
    location: str  # "query", "path", "body", "header"
    field: str
    message: str


class Problem(Schema):
    type: str
    title: str
    status: int
    detail: str
    instance: str
    errors: list[FieldError] | None = None


class ApiProblem(Exception):
    """Raise from a route to answer with problem details of ``status``."""

    def __init__(self, status: int, detail: str = "", *, title: str = "", kind: str = "",
                 errors: list[dict] | None = None, headers: dict | None = None):
        super().__init__(detail or title)
        self.status = status
        self.detail = detail
        self.title = title
        self.kind = kind
        self.errors = errors
        self.headers = headers or {}


KINDS = {
    400: "bad-request", 401: "unauthorized", 403: "forbidden", 404: "not-found",
    405: "method-not-allowed", 409: "conflict", 422: "invalid", 429: "too-many-requests",
    500: "server-error", 503: "unavailable",
}


def problem_body(status: int, detail: str = "", *, instance: str = "", title: str = "",
                 kind: str = "", errors: list[dict] | None = None) -> dict:
    phrase = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Error"
    body = {
        "type": TYPE_BASE + (kind or KINDS.get(status, str(status))),
        "title": title or phrase,
        "status": status,
        "detail": detail or title or phrase,
        "instance": instance,
    }
    if errors is not None:
        body["errors"] = errors
    return body


def problem_response(request, status: int, detail: str = "", *, title: str = "",
                     kind: str = "", errors: list[dict] | None = None,
                     headers: dict | None = None) -> HttpResponse:
    body = problem_body(status, detail, instance=request.get_full_path(), title=title,
                        kind=kind, errors=errors)
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False), status=status,
        content_type=f"{MEDIA_TYPE}; charset=utf-8",
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def is_problem(response) -> bool:
    return response.get("Content-Type", "").startswith(MEDIA_TYPE)


def field_errors(errors: list[dict]) -> list[dict]:
    """ninja's (pydantic's) errors as ``{"location", "field", "message"}``."""
    result = []
    for error in errors:
        loc = [str(part) for part in error.get("loc", ())]
        location = loc[0] if loc else ""
        field = ".".join(loc[1:])
        result.append({"location": location, "field": field, "message": error.get("msg", "")})
    return result


def install(api) -> None:
    """Set the API's exception handlers (called once, where the API is made)."""

    @api.exception_handler(ApiProblem)
    def _problem(request, exc: ApiProblem):
        return problem_response(request, exc.status, exc.detail, title=exc.title,
                                kind=exc.kind, errors=exc.errors, headers=exc.headers)

    @api.exception_handler(ValidationError)
    def _invalid(request, exc: ValidationError):
        return problem_response(
            request, 422, "The request's parameters or body are not valid.",
            errors=field_errors(exc.errors),
        )

    @api.exception_handler(Throttled)
    def _throttled(request, exc: Throttled):
        headers = {"Retry-After": str(math.ceil(exc.wait))} if exc.wait is not None else {}
        return problem_response(
            request, 429, "Too many requests: wait before calling again (Retry-After).",
            headers=headers,
        )

    @api.exception_handler(AuthenticationError)
    def _unauthenticated(request, exc: AuthenticationError):
        return problem_response(
            request, 401, "A valid API token is needed: Authorization: Bearer aula_….",
            headers={"WWW-Authenticate": 'Bearer realm="aula"'},
        )

    @api.exception_handler(HttpError)
    def _http_error(request, exc: HttpError):
        return problem_response(request, exc.status_code, str(exc))

    @api.exception_handler(Http404)
    def _not_found(request, exc):
        return problem_response(request, 404, "There is no such resource.")

    @api.exception_handler(PermissionDenied)
    def _forbidden(request, exc):
        return problem_response(request, 403, "This token may not do that.")

    @api.exception_handler(ActionRefused)
    def _refused(request, exc: ActionRefused):
        return problem_response(request, 409, str(exc.message), kind="refused",
                                title="Action refused")

    @api.exception_handler(Exception)
    def _unexpected(request, exc: Exception):
        if connection_lost(exc, connection):
            # core.unavailable answers 503 with Retry-After (api.middleware makes it a problem).
            raise exc
        logger.exception("API error at %s", request.path)
        return problem_response(request, 500, "Something went wrong on our side.")


# Documented for every operation (api.api.AulaAPI.get_openapi_schema).
COMMON_RESPONSES = {
    400: "Bad request (problem details)",
    404: "Not found (problem details)",
    405: "Method not allowed (problem details)",
    422: "Invalid parameters or body (problem details with `errors`)",
    429: "Rate limit reached (problem details; Retry-After header)",
    500: "Server error (problem details)",
    503: "The database is unavailable for a moment (problem details; Retry-After header)",
}
TOKEN_RESPONSES = {
    401: "No valid token (problem details)",
    403: "The token lacks a scope (problem details)",
    409: "The action was refused (problem details)",
}
