"""The warm-up before serving: every public page's and e-mail's template compiled (the
organisers' on first use), the default language's catalogue read (the others on first use), no
database connection handed to the workers, and a failure never stopping the server."""

import gc
import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection
from django.template import engines

from aula.core import warmup


def test_every_public_template_is_found_and_compiles_and_the_organisers_wait():
    names = warmup.template_names(engines["django"])
    assert "registrations/register.html" in names
    assert "events/event.html" in names or any(n.startswith("events/") for n in names)
    public = [n for n in names if not n.startswith(warmup.ORGANISER_TEMPLATES)]
    assert any(n.startswith("console/") for n in names)
    assert len(public) < len(names)
    assert warmup.compile_templates() >= len(public) * 0.9


@pytest.mark.django_db(transaction=True)
def test_warm_up_leaves_no_connection_open_and_freezes_what_it_made():
    connection.ensure_connection()
    try:
        warmup.warm_up()
        assert connection.connection is None
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_a_failing_warm_up_is_logged_not_raised(monkeypatch, caplog):
    def broken():
        raise RuntimeError("no templates today")

    monkeypatch.setattr(warmup, "compile_templates", broken)
    warmup.warm_up()
    assert "Warm-up failed" in caplog.text
    gc.unfreeze()


CATALOGUES = """
import json, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aula.settings")
import django
django.setup()
from django.utils import translation
from django.utils.translation import trans_real
from aula.core import warmup
warmup.load_catalogues()
ahead = sorted(trans_real._translations)
with translation.override("ro"):
    romanian = translation.gettext("Register")
print(json.dumps({"ahead": ahead, "after": sorted(trans_real._translations), "ro": romanian}))
"""


def test_only_the_default_languages_catalogue_is_read_ahead():
    # The others are read on their first use (~13 ms once per worker), and never held by a
    # worker that does not serve them.
    result = subprocess.run(  # noqa: S603 - this interpreter, our own code
        [sys.executable, "-c", CATALOGUES], capture_output=True, text=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "aula.settings"}, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["ahead"] == [settings.LANGUAGE_CODE]
    assert seen["after"] == sorted([settings.LANGUAGE_CODE, "ro"])
    assert seen["ro"] != "Register"  # read when first needed, translated all the same
