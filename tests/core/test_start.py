"""``manage.py start`` with real processes: a killed task worker or scheduler is started again
while the web server keeps answering; SIGTERM stops everything; a web server that dies makes
``start`` exit non-zero; production refuses to start without e-mail configuration."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from aula.core.management.commands.start import Supervised

ROOT = Path(__file__).resolve().parents[2]
MANAGE = str(ROOT / "manage.py")


def children_of(pid: int) -> dict[int, str]:
    """The direct children of ``pid`` (from /proc): {pid: command line}."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
        except OSError:
            continue
        # The command name (in parentheses) may hold spaces: the parent pid follows it.
        fields = stat[stat.rindex(")") + 2:].split()
        if fields[0] != "Z" and int(fields[1]) == pid:
            found[int(entry.name)] = cmdline
    return found


def child(pid: int, word: str) -> int | None:
    for child_pid, cmdline in children_of(pid).items():
        if word in cmdline.split():
            return child_pid
    return None


def wait_for(condition, timeout=30.0, step=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(step)
    raise AssertionError(f"not within {timeout} s: {condition}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def home_answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:  # noqa: S310
            return response.status == 200
    except OSError:
        return False


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A production environment on SQLite in its own AULA_VAR_DIR, migrated, static files
    collected."""
    env = {
        key: value for key, value in os.environ.items()
        if not key.startswith("AULA_") and key != "DJANGO_SETTINGS_MODULE"
    }
    env.update(
        DJANGO_SETTINGS_MODULE="aula.settings",
        AULA_VAR_DIR=str(tmp_path_factory.mktemp("start") / "var"),
        AULA_SECRET_KEY="test-" + "x" * 50,
        AULA_EMAIL_URL="smtp://127.0.0.1:9",  # nothing is sent in these tests
        PYTHONUNBUFFERED="1",
    )
    for command in (["migrate", "--noinput"], ["collectstatic", "--noinput"]):  # as make serve
        subprocess.run(  # noqa: S603
            [sys.executable, MANAGE, *command, "-v0"], env=env, check=True, cwd=ROOT,
        )
    return env


def start(env, port, log: Path, server=None):
    if server:
        env = {**env, "AULA_WEB_SERVER": server}
    with log.open("wb") as out:
        return subprocess.Popen(  # noqa: S603
            [sys.executable, MANAGE, "start", "--production", "--port", str(port),
             "--workers", "1"],
            env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def web_server(pid: int) -> int | None:
    return child(pid, "aula.granian_main") or child(pid, "gunicorn")


@pytest.mark.parametrize("server", [None, "gunicorn"])  # None: the default, granian
def test_a_killed_worker_or_scheduler_is_started_again_and_the_site_stays_up(
    site, tmp_path, server
):
    port, log = free_port(), tmp_path / "start.log"
    proc = start(site, port, log, server)
    try:
        wait_for(lambda: home_answers(port), timeout=60)
        for word in ("run_worker", "run_scheduler"):
            old = wait_for(lambda word=word: child(proc.pid, word))
            web = web_server(proc.pid)
            os.kill(old, signal.SIGKILL)
            new = wait_for(lambda word=word, old=old: (
                (pid := child(proc.pid, word)) and pid != old and pid
            ), timeout=10)
            assert new != old
            assert home_answers(port), log.read_text()
            assert proc.poll() is None
            assert web_server(proc.pid) == web
        text = log.read_text()
        assert "worker (pid" in text and "exited with -9" in text
        assert "scheduler started again (restart 1)" in text
        started = children_of(proc.pid)
        assert len(started) == 3, started
        web = web_server(proc.pid)
        assert child(proc.pid, server or "aula.granian_main") == web
        web_workers = wait_for(lambda: children_of(web))
        assert len(web_workers) == 1, web_workers
        # The background processes yield the CPU to the web server (restarted ones too).
        own = os.getpriority(os.PRIO_PROCESS, proc.pid)
        assert os.getpriority(os.PRIO_PROCESS, web) == own
        assert all(os.getpriority(os.PRIO_PROCESS, pid) == own for pid in web_workers)
        for word in ("run_worker", "run_scheduler"):
            assert os.getpriority(os.PRIO_PROCESS, child(proc.pid, word)) == min(own + 10, 19)

        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0, log.read_text()
        assert not any(_alive(pid) for pid in [*started, *web_workers])
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return state[state.rindex(")") + 2] != "Z"


def test_when_the_web_server_dies_start_stops_everything_and_exits_non_zero(site, tmp_path):
    port, log = free_port(), tmp_path / "start.log"
    proc = start(site, port, log)
    try:
        wait_for(lambda: home_answers(port), timeout=60)
        started = wait_for(lambda: len(children_of(proc.pid)) == 3 and children_of(proc.pid))
        web = next(pid for pid, cmdline in started.items() if "granian" in cmdline)
        web_workers = wait_for(lambda: children_of(web))
        os.kill(web, signal.SIGKILL)
        assert proc.wait(timeout=30) != 0
        assert not any(_alive(pid) for pid in started)
        # Its workers do not go on answering on the port unsupervised (aula.wsgi_worker).
        wait_for(lambda: not any(_alive(pid) for pid in web_workers), timeout=20)
        assert not home_answers(port)
        assert "web server exited with -9" in log.read_text()
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def test_production_refuses_to_start_without_email_configuration(monkeypatch):
    monkeypatch.delenv("AULA_EMAIL_URL", raising=False)
    with pytest.raises(CommandError, match="AULA_EMAIL_URL"):
        call_command("start", production=True)


def test_the_check_alone_starts_nothing(monkeypatch):
    monkeypatch.setenv("AULA_EMAIL_URL", "smtp://127.0.0.1:9")
    call_command("start", production=True, check=True)  # returns at once: nothing started
    monkeypatch.delenv("AULA_EMAIL_URL")
    with pytest.raises(CommandError, match="AULA_EMAIL_URL"):
        call_command("start", production=True, check=True)


def test_make_serve_without_email_url_exits_with_what_to_set(site):
    env = {key: value for key, value in site.items() if key != "AULA_EMAIL_URL"}
    result = subprocess.run(  # noqa: S603
        [sys.executable, MANAGE, "start", "--production", "--port", str(free_port())],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode != 0
    assert "Set AULA_EMAIL_URL" in result.stderr
    assert "Aula is running" not in result.stdout


def test_background_niceness_comes_from_the_environment_and_refuses_nonsense(monkeypatch):
    from aula.core.management.commands.start import background_niceness

    monkeypatch.delenv("AULA_BACKGROUND_NICE", raising=False)
    assert background_niceness() == 10
    for raw, expected in (("0", 0), ("5", 5), ("40", 19), ("-3", 0)):
        monkeypatch.setenv("AULA_BACKGROUND_NICE", raw)
        assert background_niceness() == expected
    monkeypatch.setenv("AULA_BACKGROUND_NICE", "low")
    with pytest.raises(CommandError, match="AULA_BACKGROUND_NICE"):
        background_niceness()


def test_a_supervised_child_runs_at_its_niceness(tmp_path):
    own = os.getpriority(os.PRIO_PROCESS, 0)
    out = tmp_path / "nice"
    child = Supervised("worker", [sys.executable, "-c",
                                  f"import os; open({str(out)!r}, 'w').write(str(os.nice(0)))"],
                       niceness=7)
    child.start()
    assert child.process.wait(timeout=30) == 0
    assert int(out.read_text()) == min(own + 7, 19)


def test_restarts_wait_longer_each_time_and_start_again_at_one_second_when_stable():
    child = Supervised("worker", ["true"])
    child.started_at = 100.0
    waits = [child.schedule_restart(100.0 + n) for n in range(8)]
    assert waits == [1, 2, 4, 8, 16, 32, 60, 60]
    child.started_at = 200.0
    assert child.schedule_restart(200.0 + Supervised.stable_after) == 1
    child.started_at = 300.0  # started again; crashes at once: the pause doubles again
    assert child.schedule_restart(301.0) == 2


def test_the_web_server_is_granian_unless_gunicorn_is_asked_for(monkeypatch):
    from aula.core.management.commands.start import web_command

    monkeypatch.delenv("AULA_WEB_SERVER", raising=False)
    command = web_command("deploy/gunicorn.conf.py", "127.0.0.1", 8000, 3)
    assert command[1:3] == ["-m", "aula.granian_main"]
    assert command[command.index("--workers") + 1] == "3"
    monkeypatch.setenv("AULA_WEB_SERVER", "gunicorn")
    command = web_command("deploy/gunicorn.conf.py", "127.0.0.1", 8000, 3)
    assert command[1:3] == ["-m", "gunicorn"] and command[-1] == "aula.wsgi"
    monkeypatch.setenv("AULA_WEB_SERVER", "uwsgi")
    with pytest.raises(CommandError, match="AULA_WEB_SERVER"):
        web_command("deploy/gunicorn.conf.py", "127.0.0.1", 8000, 3)


def test_granian_runs_with_the_settings_of_its_command_line_without_click():
    """``aula.granian_main`` configures the server as ``python -m granian`` with the options
    ``start`` used to give it, and its main process does not import click (bench/README.md)."""
    from aula.granian_main import arguments, server

    configured = server(arguments(["--host", "0.0.0.0", "--port", "8123", "--workers", "3"]))
    assert (configured.bind_addr, configured.bind_port, configured.workers) == ("0.0.0.0", 8123, 3)
    assert configured.target == "aula.wsgi_worker:application"
    assert configured.interface.value == "wsgi" and configured.blocking_threads == 1
    assert configured.respawn_failed_workers and configured.workers_rss == 300 * 1024 * 1024
    assert configured.workers_kill_timeout == 30 and not configured.log_access
    assert server(arguments(["--access-log"])).log_access
    imported = subprocess.run(
        [sys.executable, "-c", "import sys, aula.granian_main as m; m.server(m.arguments([]));"
         "print('click' in sys.modules)"],
        capture_output=True, text=True, check=True,
    )
    assert imported.stdout.strip() == "False"


def test_web_workers_default_to_one_more_than_the_cores(monkeypatch):
    from aula import config

    monkeypatch.delenv("AULA_WEB_WORKERS", raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    assert config.web_workers() == 3
    monkeypatch.setenv("AULA_WEB_WORKERS", "5")
    assert config.web_workers() == 5
    for bad in ("0", "two", "-1"):
        monkeypatch.setenv("AULA_WEB_WORKERS", bad)
        with pytest.raises(ValueError, match="AULA_WEB_WORKERS"):
            config.web_workers()
