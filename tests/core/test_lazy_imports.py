"""A web worker does not carry the libraries only organisers' files need: the URLconf (every
view module) and the master's warm-up import none of them (docs/architecture.md, "Memory";
bench/README.md 2026-12-06: ~36 MiB per worker)."""

import json
import os
import subprocess
import sys

from aula.core import spreadsheets

# Imported only inside the functions that make PDFs, XLSX, QR codes or read uploaded images.
HEAVY = ("weasyprint", "openpyxl", "lxml", "fontTools", "tinyhtml5", "PIL", "segno", "pydyf",
         "ninja", "pydantic")

WORKER = """
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


def test_the_illegal_characters_are_openpyxls():
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    assert spreadsheets.ILLEGAL_CHARACTERS_RE.pattern == ILLEGAL_CHARACTERS_RE.pattern
