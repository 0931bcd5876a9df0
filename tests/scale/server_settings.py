"""Settings of the web servers that tests/scale starts as separate processes: the test settings
(plain static files, fast hashing), on the test database pytest-django created for the run
(``AULA_TEST_SERVER_DATABASE`` names it), with the database task queue so that what the servers
enqueue waits for the test's worker. With ``AULA_REDIS_URL`` the cache is Redis as in
production; the tasks stay on the database queue."""

import os

from tests.settings import *  # noqa: F403
from tests.settings import DATABASES

DATABASES["default"]["NAME"] = os.environ["AULA_TEST_SERVER_DATABASE"]
DATABASES["default"].pop("TEST", None)
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
AULA_RENDER_EMAILS_IN_WORKER = True  # as in production: the worker renders the e-mails
