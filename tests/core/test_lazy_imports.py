"""A web worker does not carry the libraries only organisers' files need: the URLconf (every
view module) and the master's warm-up import none of them (docs/architecture.md, "Memory";
bench/README.md 2026-12-06: ~36 MiB per worker)."""

import json
import os
import subprocess
import sys

from aula.core import spreadsheets

# Imported only inside the functions that make PDFs, XLSX, QR codes or read uploaded images;
# that write a calendar file (icalendar), parse Markdown (markdown-it, linkify-it, nh3), or sort
# country names (pyuca's table, which django-countries would build at its import).
HEAVY = ("weasyprint", "openpyxl", "lxml", "fontTools", "tinyhtml5", "PIL", "segno", "pydyf",
         "ninja", "pydantic", "icalendar", "markdown_it", "linkify_it", "nh3", "pyuca")

# What a web worker has done before its first request: Django set up, the URLconf, the warm-up.
STARTED = """
import json, os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aula.settings")
import django
django.setup()
from django.urls import get_resolver
import aula.urls, aula.wsgi
get_resolver()._populate()
from aula.core import warmup
warmup.load_catalogues()
warmup.compile_templates()
"""
WORKER = STARTED + """
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in sys.argv[1:])))
"""


def test_urls_and_warm_up_import_no_heavy_library():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "aula.settings"}
    result = subprocess.run(  # noqa: S603 - this interpreter, our own code
        [sys.executable, "-c", WORKER, *HEAVY], capture_output=True, text=True, env=env,
        timeout=120, check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert json.loads(result.stdout.strip().splitlines()[-1]) == []


ADMIN = STARTED + """
from django.contrib import admin
seen = {"modules": sorted(m for m in sys.modules if m.endswith(".admin") and m.startswith("aula")),
        "registered": len(admin.site._registry)}
from django.core import checks
messages = checks.run_checks(tags=[checks.Tags.admin])
seen["after_check"] = len(admin.site._registry)
from django.urls import reverse
seen["url"] = reverse("admin:audit_auditentry_changelist")
print(json.dumps(seen))
"""


def test_the_admin_is_discovered_on_first_use_and_still_checked():
    """``django.setup()``, the URLconf and the warm-up import no app's ``admin.py``
    (core/adminsite.py); ``manage.py check``'s admin checks discover them first, and a reverse
    of an admin URL loads them."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "aula.settings"}
    result = subprocess.run(  # noqa: S603 - this interpreter, our own code
        [sys.executable, "-c", ADMIN], capture_output=True, text=True, env=env,
        timeout=120, check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["modules"] == [] and seen["registered"] == 0
    assert seen["after_check"] >= 15  # every app's ModelAdmins, checked
    assert seen["url"] == "/admin/audit/auditentry/"


def test_the_illegal_characters_are_openpyxls():
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    assert spreadsheets.ILLEGAL_CHARACTERS_RE.pattern == ILLEGAL_CHARACTERS_RE.pattern


COUNTRIES = """
import json, os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aula.settings")
import django
django.setup()
from django.utils import translation
from aula.registrations.forms import country_choices
before = "pyuca" in sys.modules
with translation.override(sys.argv[1]):
    names = [name for code, name in country_choices() if code]
import pyuca
print(json.dumps({"before": before, "names": names,
                  "uca": sorted(names, key=pyuca.Collator().sort_key)}))
"""


def test_country_names_are_sorted_by_the_collation_table_built_on_first_sort():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "aula.settings"}
    for language in ("ro", "lt", "hr"):
        result = subprocess.run(  # noqa: S603 - this interpreter, our own code
            [sys.executable, "-c", COUNTRIES, language], capture_output=True, text=True,
            env=env, timeout=120, check=False,
        )
        assert result.returncode == 0, result.stderr[-2000:]
        seen = json.loads(result.stdout.strip().splitlines()[-1])
        assert seen["before"] is False  # not built by django.setup()
        assert len(seen["names"]) > 240
        assert seen["names"] == seen["uca"]  # the order pyuca's table gives (Č beside C …)
