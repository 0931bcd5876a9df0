"""Test settings: the real ones, with a file-backed SQLite test database (so concurrency tests
use real connections), fast password hashing and plain static storage."""

import tempfile

from aula.settings import *  # noqa: F403
from aula.settings import CACHES, DATABASES, PRIVATE_UPLOADS, VAR_DIR

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    # On disk as deployed (the worker of tests/tasks reads what the request stored), in a
    # directory of this test run's own that tests/conftest.py removes at the end.
    "private_uploads": {
        **PRIVATE_UPLOADS,
        "OPTIONS": {**PRIVATE_UPLOADS["OPTIONS"],
                    "location": tempfile.mkdtemp(prefix="aula-test-private-")},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Per test process, so that nothing (rate limits, page versions) outlives a test run; the
# production file cache is tested in tests/core/test_pagecache.py.
if CACHES["default"]["BACKEND"].endswith("FileBasedCache"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# Production writes a registration's e-mails "to render" and the delivery worker renders them
# (messaging.services.render_later). Tests read the outbox right after the change, often in a
# transaction that never commits (no delivery): they get the e-mail rendered as it is written,
# by the same templates. Tests of the worker's rendering turn this on (the ``render_in_worker``
# fixture), and so do the servers of tests/scale.
AULA_RENDER_EMAILS_IN_WORKER = False
AULA_BASE_URL = "http://testserver"
ALLOWED_HOSTS = ["*"]
# Pages replayed from memory would hide the places a test just took; tests/core/test_fastlane.py
# turns it on.
AULA_FASTLANE_SECONDS = 0
# Webhook tests deliver to a receiver on 127.0.0.1 (tests/webhooks).
AULA_WEBHOOKS_ALLOW_PRIVATE = True
# The set of projects with a webhook is reloaded on every endpoint change in this process;
# never on a timer during a test (query counts stay exact).
AULA_WEBHOOKS_CACHE_SECONDS = 3600
# The browser tests serve a partner's page over plain http (tests/browser/test_embed.py);
# tests/registrations/test_embed.py turns it off to see https required.
AULA_EMBED_ALLOW_HTTP = True
