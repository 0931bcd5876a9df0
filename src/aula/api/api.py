"""The REST API, version 1, at ``/api/v1/``: its schema at ``/api/v1/openapi.json``.

One ``NinjaAPI``; each area is a ninja ``Router`` in ``api/routes/<area>.py``, added below.
Public routes need no token; the project's routes take ``auth=TokenAuth()`` (``api.auth``).
Every error is problem details (``api.errors``), every list paginated (``api.pagination``),
every call counted against the rate limit (``api.ratelimit``).
"""

from ninja import NinjaAPI

from aula.api import errors
from aula.api.ratelimit import ApiRateLimit
from aula.api.routes import public, registrations, results, token

DESCRIPTION = """\
Aula's REST API: public projects and published events with their agenda and partners, and, with
a project's token, its registrations, attendance, feedback and report figures.

Errors are RFC 9457 problem details (`application/problem+json`). Lists are paginated with
`limit` (at most 200) and `offset`. Times are ISO 8601 in UTC; each event gives its `time_zone`.
See docs/api.md.
"""


class AulaAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        document_problems(schema)
        return schema


def document_problems(schema) -> None:
    """Every operation answers its errors as problem details: say so in the schema."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    problem = errors.Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    components.update(problem.pop("$defs", {}))
    components["Problem"] = problem
    content = {errors.MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            documented = dict(errors.COMMON_RESPONSES)
            if operation.get("security"):
                documented.update(errors.TOKEN_RESPONSES)
            for status, description in sorted(documented.items()):
                operation["responses"].setdefault(
                    str(status), {"description": description, "content": content}
                )
            for status in ("429", "503"):
                retry = operation["responses"].get(status)
                if retry is not None:
                    retry.setdefault("headers", {})["Retry-After"] = {
                        "description": "Seconds to wait before calling again.",
                        "schema": {"type": "integer"},
                    }


api = AulaAPI(
    title="Aula API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    docs_url=None,  # ninja's Swagger page loads its assets from a CDN: our CSP forbids it
    throttle=[ApiRateLimit()],
)
errors.install(api)

api.add_router("", public.router)
api.add_router("", token.router)
api.add_router("", registrations.router)
api.add_router("", results.router)
