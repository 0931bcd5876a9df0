"""In production the static files have hashed names (collectstatic + the manifest storage), so
browsers and proxies may keep them for ever."""

import re

import pytest
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import call_command
from django.urls import reverse

from tests.factories import make_event

pytestmark = pytest.mark.django_db


def test_collected_hashed_files_are_linked_from_the_event_page(client, settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    settings.WHITENOISE_USE_FINDERS = False
    call_command("collectstatic", interactive=False, verbosity=0)
    assert (settings.STATIC_ROOT / "staticfiles.json").exists()
    event = make_event()
    address = reverse("events:event", kwargs={"project": event.project.slug, "event": event.slug})
    response = client.get(address)
    assert response.status_code == 200
    page = response.content.decode()
    css = re.search(r'href="(/static/aula/aula\.[0-9a-f]{12}\.css)"', page)
    js = re.search(r'src="(/static/aula/aula\.[0-9a-f]{12}\.js)"', page)
    assert css and js, "hashed names in the page"
    for url in (css[1], js[1]):
        name = url.removeprefix(settings.STATIC_URL)
        assert (settings.STATIC_ROOT / name).exists()
        assert (settings.STATIC_ROOT / f"{name}.gz").exists()  # compressed for the proxy
    assert staticfiles_storage.url("aula/aula.css") == css[1]
