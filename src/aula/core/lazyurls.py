"""A URL include whose module is imported on first use, not when the URLconf is loaded.

Why: every web worker imports the whole URLconf (gunicorn's master does, in the warm-up, before
forking). An app that pulls a heavy library into its views (django-ninja with pydantic: ~16 MiB
and 126 modules per process, bench/README.md 2026-12-06) costs that in every worker even when
nobody calls it. ``lazy_include("api/v1/", "aula.api.urls", namespace="api")`` defers the import
until a request's path starts with the prefix, or a name in the namespace is reversed
(``reverse("api:…")``); from then on it is an ordinary include.

Limits, on purpose: a namespace is required (the outer URLconf only learns the namespace, not
the names in it, until the module is loaded); ``manage.py check`` still imports it (the URL
checks walk every pattern). Django's own ``include()`` imports at once; this is its one lazy
variant in Aula (docs/architecture.md).
"""

import sys

from django.urls import URLResolver
from django.urls.resolvers import RoutePattern


class LazyURLResolver(URLResolver):
    """A ``URLResolver`` with a dotted-path URLconf that stays unimported until needed:
    ``resolve`` imports it when the prefix matches (``url_patterns``), the reverse lookups
    when a name of its namespace is asked for."""

    _wanted = False

    def _loaded(self) -> bool:
        return self._wanted or self.urlconf_name in sys.modules

    def _populate(self):
        # The outer resolver populates every include; this one only once it is wanted.
        if self._loaded():
            super()._populate()

    def _want(self):
        self._wanted = True

    @property
    def reverse_dict(self):
        self._want()
        return super().reverse_dict

    @property
    def namespace_dict(self):
        self._want()
        return super().namespace_dict

    @property
    def app_dict(self):
        self._want()
        return super().app_dict


def lazy_include(route: str, urlconf: str, *, namespace: str) -> LazyURLResolver:
    """Like ``path(route, include((urlconf, namespace)))``, imported on first use."""
    return LazyURLResolver(RoutePattern(route, is_endpoint=False), urlconf,
                           app_name=namespace, namespace=namespace)
