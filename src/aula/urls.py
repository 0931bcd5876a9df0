from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path

from aula.console.media import media
from aula.core.lazyurls import lazy_include
from aula.registrations.views import embed_script

urlpatterns = [
    # Django's admin, for the site's administrators: imported with every app's admin.py on its
    # first request or reverse, not in every web worker (core/adminsite.py).
    lazy_include("admin/", "aula.admin_urls", namespace="admin"),
    path("mail/", include("aula.messaging.urls")),
    path("", include("aula.registrations.join_urls")),
    # The REST API (aula.api), outside the language prefixes: /api/v1/, its schema openapi.json;
    # django-ninja and pydantic are imported on the first call, not in every worker (lazyurls).
    lazy_include("api/v1/", "aula.api.urls", namespace="api"),
    # The script of the snippet partners paste into their pages (no language: one address).
    path("embed.js", embed_script, name="embed_script"),
]
urlpatterns += i18n_patterns(
    path("", include("aula.events.urls")),
    path("", include("aula.registrations.urls")),
    # The organisers' console (~6 MiB, 64 modules of views and forms) is imported on its first
    # request or reverse, not in every web worker that only serves the public (core/lazyurls.py).
    lazy_include("console/", "aula.console.urls", namespace="console"),
    path("", include("aula.materials.urls")),
    path("", include("aula.feedback.urls")),
    path("", include("aula.certificates.urls")),
)
# Uploaded files (speaker photos, documents) from var/media, each only to whoever may see it
# (aula.console.media): a production proxy passes /media/ through instead of serving it.
urlpatterns += [path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", media, name="media")]

handler500 = "aula.core.unavailable.server_error"  # a lost database: 503, not 500
