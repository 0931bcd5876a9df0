"""Django's admin, discovered on its first use rather than when Django starts.

Why: ``AdminConfig`` imports every app's ``admin.py`` (and the admin's forms, filters and
widgets they pull) in ``django.setup()``, in every web worker: 1.65 MiB and 27 modules of a
worker that only serves the public (bench/README.md, sixth session). With this configuration the
admin is discovered by ``aula.admin_urls``, which ``aula/urls.py`` includes lazily
(``core.lazyurls``): on the first request under /admin/ or the first ``reverse("admin:…")``.

``manage.py check`` still checks every registered ``ModelAdmin``: its check discovers the admin
first (Django's own would run on an empty registry).
"""

from django.contrib.admin.apps import SimpleAdminConfig
from django.contrib.admin.checks import check_admin_app, check_dependencies
from django.core import checks


def discover() -> None:
    """Every app's ``admin.py`` imported, its models registered (once per process)."""
    from django.contrib import admin

    admin.autodiscover()


def check_discovered_admin(app_configs, **kwargs):
    discover()
    return check_admin_app(app_configs, **kwargs)


class LazyAdminConfig(SimpleAdminConfig):
    def ready(self):
        # SimpleAdminConfig's two checks, the second one after discovery.
        checks.register(check_dependencies, checks.Tags.admin)
        checks.register(check_discovered_admin, checks.Tags.admin)
