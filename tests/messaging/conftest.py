from pathlib import Path

import pytest

from tests.messaging import backends

TEMPLATE_DIR = Path(__file__).parent / "templates"


@pytest.fixture(autouse=True)
def _messaging_settings(settings):
    # The test e-mail templates come after the apps' own, so nothing real is shadowed.
    options = {
        key: value for key, value in settings.TEMPLATES[0]["OPTIONS"].items() if key != "loaders"
    }
    options["loaders"] = [
        "django.template.loaders.app_directories.Loader",
        ("django.template.loaders.filesystem.Loader", [str(TEMPLATE_DIR)]),
    ]
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "APP_DIRS": False, "OPTIONS": options}]
    settings.DEFAULT_FROM_EMAIL = "Aula <noreply@aula.example>"
    backends.reset()
