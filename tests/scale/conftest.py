import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests.mailserver import free_port

ROOT = Path(__file__).resolve().parents[2]
STARTUP_SECONDS = 90
STOP_SECONDS = 30


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-5000:]


def _wait_until_serving(server: Server) -> None:
    """Poll the home page until it answers (the database and the code are loaded)."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while True:
        if server.process.poll() is not None:
            pytest.fail(f"The web server {server.url} exited:\n{server.output()}")
        try:
            with urllib.request.urlopen(server.url + "/en/", timeout=10) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        if time.monotonic() > deadline:
            pytest.fail(f"The web server {server.url} did not answer:\n{server.output()}")
        time.sleep(0.1)


def _stop(server: Server) -> None:
    """SIGTERM to the server's own process group (gunicorn's master and its workers), then
    SIGKILL if it has not exited in time."""
    try:
        os.killpg(server.process.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        server.process.wait(timeout=STOP_SECONDS)
    except subprocess.TimeoutExpired:
        os.killpg(server.process.pid, signal.SIGKILL)
        server.process.wait(timeout=STOP_SECONDS)


@pytest.fixture
def web_servers(transactional_db, tmp_path):
    """``start(count, **environment)``: that many gunicorn servers (deploy/gunicorn.conf.py, two
    sync workers each, as ``make serve`` runs them) on free ports, each its own process group,
    on this test's database, with this process's secret key (so a form signed by one server is
    valid on another). Stopped when the test ends, whatever happened, before the database is
    emptied."""
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("an in-memory SQLite test database cannot be shared with other processes")
    started: list[Server] = []

    def start(count=2, **environment):
        env = {
            key: value for key, value in os.environ.items()
            if not key.startswith(("AULA_", "DJANGO_"))
        }
        env.update({
            "DJANGO_SETTINGS_MODULE": "tests.scale.server_settings",
            "AULA_TEST_SERVER_DATABASE": str(connection.settings_dict["NAME"]),
            "AULA_SECRET_KEY": settings.SECRET_KEY,
            "AULA_VAR_DIR": str(settings.VAR_DIR),
            "AULA_DATABASE_URL": os.environ.get("AULA_DATABASE_URL", ""),
            "PYTHONPATH": str(ROOT),
            "AULA_WEB_WORKERS": "2",
        })
        env.update({key: str(value) for key, value in environment.items()})
        servers = []
        for n in range(count):
            port = free_port()
            log = tmp_path / f"server-{n}.log"
            with log.open("wb") as output:
                process = subprocess.Popen(
                    [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py",
                     "--bind", f"127.0.0.1:{port}", "aula.wsgi"],
                    cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            server = Server(f"http://127.0.0.1:{port}", process, log)
            started.append(server)
            servers.append(server)
        for server in servers:
            _wait_until_serving(server)
        return servers

    yield start
    for server in started:
        _stop(server)
