"""Problem details for the API's errors made outside its routes.

An unknown address under ``/api/``, a method the address does not take (ninja answers a bare
405), a request refused before the API (a NUL byte in a parameter: ``core.security``; in the
path: here): each answered as the routes answer, ``application/problem+json``
(``api.errors``). Placed right inside the fast lane, so it sees every response to ``/api/``.
API answers are never stored by browsers or proxies when a token made them; anonymous ones may
be read from any origin (CORS ``*``).
"""

from django.utils.cache import add_never_cache_headers, patch_cache_control

API_PREFIX = "/api/"


class ProblemMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        # Imported here: ``api.errors`` pulls in django-ninja and pydantic (~16 MiB), which a
        # worker that never serves the API should not hold (core/lazyurls.py).
        from aula.api.errors import is_problem, problem_response

        if "\x00" in request.path:  # no database stores it (PostgreSQL refuses it)
            response = problem_response(
                request, 400, "The address contains a character that is not allowed (NUL).")
        else:
            response = self.get_response(request)
        if response.status_code >= 400 and not is_problem(response):
            headers = {}
            if response.status_code == 405 and response.has_header("Allow"):
                headers["Allow"] = response["Allow"]
            original = response
            response = problem_response(request, response.status_code, headers=headers)
            for name, value in original.items():
                if name.lower() not in ("content-type", "content-length"):
                    response.headers.setdefault(name, value)
        if "HTTP_AUTHORIZATION" in request.META:
            add_never_cache_headers(response)
            patch_cache_control(response, private=True, no_store=True)
        else:
            # Anonymous answers are public: a partner's website may read them from the browser
            # (no credentials are ever accepted from another origin).
            response.headers.setdefault("Access-Control-Allow-Origin", "*")
        return response
