"""What every web worker's first request would do, done once in gunicorn's master before it
forks them (``deploy/gunicorn.conf.py``, with ``preload_app``), or by each granian worker
before it serves (``aula.wsgi_worker``).

Why: a fresh worker spent about 0.7 s on its first request (compiling templates, reading six
translation catalogues, building the URL resolver) while the requests queued behind it waited;
under an announcement rush that was the slowest percent of all answers (bench/README.md).
Forked workers inherit all of it. ``gc.freeze()`` then keeps what they inherited out of their
garbage collections: shorter pauses, and the shared memory pages stay shared.
"""

import gc
import logging
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.template import engines
from django.template.exceptions import TemplateDoesNotExist, TemplateSyntaxError
from django.urls import get_resolver
from django.utils import translation

logger = logging.getLogger(__name__)


def template_names(engine) -> list[str]:
    """Every template in the engine's directories and apps' ``templates/`` (by the name the
    loaders find it under)."""
    names = []
    for directory in engine.template_dirs:
        root = Path(directory)
        names.extend(
            str(path.relative_to(root)) for path in root.rglob("*")
            if path.is_file() and path.suffix in (".html", ".txt", ".xml", ".svg", ".ics")
        )
    return sorted(set(names))


# Organisers' templates (the console, Django's admin and its login pages, two-factor, the task
# queue's dashboard, the reports, the mail viewer) compile on their first use: few people open
# them, and compiled ahead in every web worker they cost ~5 of the ~9 MiB all templates take
# (bench/README.md, "The web server").
ORGANISER_TEMPLATES = ("console/", "admin/", "registration/", "otp/", "otp_totp/", "auth/",
                       "django_rq/", "reports/", "messaging/")
# E-mails: rendered by the delivery worker when they are written "to render" (the default,
# ``messaging.services.render_later``), so a web worker never needs them then (~1.5 MiB).
EMAIL_TEMPLATES = ("registrations/email/", "campaigns/email/")


def public_template(name: str, emails: bool) -> bool:
    return not name.startswith(ORGANISER_TEMPLATES) and (
        emails or not name.startswith(EMAIL_TEMPLATES))


def compile_templates() -> int:
    """Compile the templates of the public pages, and of the e-mails when the web renders
    them."""
    # The setting messaging.services.render_later reads (core imports no other app).
    emails = not settings.AULA_RENDER_EMAILS_IN_WORKER
    compiled = 0
    for engine in engines.all():
        for name in template_names(engine):
            if not public_template(name, emails):
                continue
            try:
                engine.get_template(name)
            except (TemplateDoesNotExist, TemplateSyntaxError, UnicodeDecodeError):
                continue
            compiled += 1
    return compiled


def load_catalogues() -> None:
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("Register")


def warm_up() -> None:
    """Never stops the server from starting: a failure only costs the first requests' time."""
    try:
        _warm_up()
    except Exception:
        logger.exception("Warm-up failed; the workers will warm up on their first requests.")
        connections.close_all()


def _warm_up() -> None:
    get_resolver().url_patterns  # noqa: B018 - imports every URLconf and view module
    get_resolver()._populate()
    load_catalogues()
    count = compile_templates()
    connections.close_all()  # never hand a connection to forked workers
    gc.collect()
    gc.freeze()
    logger.info("Warmed up: %s templates compiled, %s languages loaded.", count,
                len(settings.LANGUAGES))
