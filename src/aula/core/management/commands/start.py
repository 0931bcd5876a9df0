"""Start Aula on one machine: the web server, the task worker and the scheduler together.

Ctrl-C (SIGINT) or SIGTERM stops all three. Used by ``make run`` (the demo, with its organiser
login) and ``make serve`` (``--production``: no demo account; refuses to start without
``AULA_EMAIL_URL``). gunicorn reads its settings from ``deploy/gunicorn.conf.py``; ``--bind``,
``--port`` and ``--workers`` override them.

This command is a small supervisor: a task worker or scheduler that exits (a crash, a kill, a
lost database) is started again after a pause that doubles from 1 s up to 60 s, back to 1 s once
it has stayed up for a minute; each restart is logged and the web server keeps running. If the
web server itself exits, everything stops and the command exits non-zero, so that the outer
supervisor (systemd, see docs/deploy.md) starts it again.

The task worker and the scheduler run at a lower CPU priority (``AULA_BACKGROUND_NICE``, default
10; 0 turns it off): when the invitation goes out and registrations arrive in a burst, the
web processes answer first and the e-mails they wrote are rendered and sent a few seconds later,
in the cores' idle time (measured: bench/README.md, "Where the CPU goes").
"""

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from aula import config
from aula.core.services import ensure_organiser

GUNICORN_CONFIG = settings.BASE_DIR / "deploy" / "gunicorn.conf.py"


def production_refusal() -> str | None:
    """Why ``start --production`` must not start, or None. Without ``AULA_EMAIL_URL`` mail is
    only kept for the mail viewer, which must never be public: refuse rather than run so."""
    if not os.environ.get("AULA_EMAIL_URL", "").strip():
        return _(
            "AULA_EMAIL_URL is not set: in production Aula must send its e-mail. Set "
            "AULA_EMAIL_URL to your mail server, e.g. "
            "smtp://user:password@mail.example.eu:587?tls=true (see the README's "
            "configuration table), then start again."
        )
    return None


def web_command(gunicorn_config: str, bind: str, port: int, workers: int) -> list[str]:
    """The web server's command line: granian (default) or gunicorn (``AULA_WEB_SERVER``)."""
    try:
        server = config.web_server()
    except ValueError as error:
        raise CommandError(str(error)) from None
    if server == "gunicorn":
        return [sys.executable, "-m", "gunicorn", "--config", gunicorn_config,
                "--bind", f"{bind}:{port}", "--workers", str(workers), "aula.wsgi"]
    access_log = os.environ.get("AULA_ACCESS_LOG", "").lower() in ("1", "true", "yes")
    # granian with Aula's settings, without its click command line (aula/granian_main.py).
    return [
        sys.executable, "-m", "aula.granian_main",
        "--host", bind, "--port", str(port), "--workers", str(workers),
        *(["--access-log"] if access_log else []),
    ]


def background_niceness() -> int:
    """``config.background_niceness``, its error as the command's."""
    try:
        return config.background_niceness()
    except ValueError:
        raise CommandError(
            _("AULA_BACKGROUND_NICE must be a whole number from 0 to 19, not %(value)r.")
            % {"value": os.environ.get("AULA_BACKGROUND_NICE")}
        ) from None


class Supervised:
    """One child process, started again with backoff when it exits; ``niceness``: its CPU
    priority below this process's (``os.nice`` in the child, before it runs anything)."""

    first_delay = 1.0
    max_delay = 60.0
    stable_after = 60.0  # seconds up after which the next crash waits first_delay again

    def __init__(self, name, command, niceness=0, env=None):
        self.name, self.command, self.niceness, self.env = name, command, niceness, env
        self.process = None
        self.started_at = 0.0
        self.delay = self.first_delay
        self.restart_at = None  # monotonic time of the next start while it is down
        self.restarts = 0

    def start(self):
        niceness = self.niceness
        self.process = subprocess.Popen(  # noqa: S603 - our own commands
            self.command,
            preexec_fn=(lambda: os.nice(niceness)) if niceness else None,  # noqa: PLW1509
            env=self.env,
        )
        self.started_at = time.monotonic()
        self.restart_at = None

    def exited(self) -> int | None:
        """The exit code if the process has just been found exited (once), else None."""
        if self.process is None or self.restart_at is not None:
            return None
        return self.process.poll()

    def schedule_restart(self, now) -> float:
        if now - self.started_at >= self.stable_after:
            self.delay = self.first_delay
        wait = self.delay
        self.restart_at = now + wait
        self.delay = min(self.delay * 2, self.max_delay)
        return wait

    def due(self, now) -> bool:
        return self.restart_at is not None and now >= self.restart_at


class Command(BaseCommand):
    help = "Start the web server, the task worker and the scheduler; Ctrl-C stops them all."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--bind", default=os.environ.get("AULA_BIND", "127.0.0.1"))
        parser.add_argument(
            "--workers", type=int, default=config.web_workers(),
            help="web server processes (AULA_WEB_WORKERS, default: the cores + 1)",
        )
        parser.add_argument(
            "--config", default=str(GUNICORN_CONFIG), help="gunicorn's configuration file"
        )
        parser.add_argument(
            "--production", action="store_true",
            help="no demo organiser account: create organisers with manage.py createsuperuser",
        )
        parser.add_argument(
            "--check", action="store_true",
            help="only check that it may start (make serve runs this before migrating)",
        )

    def handle(self, *args, port, bind, workers, config, production, check=False, **options):
        if production and (refusal := production_refusal()):
            raise CommandError(refusal)
        if check:
            return
        login = None if production else ensure_organiser()
        manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
        if settings.REDIS_URL:
            # SimpleWorker runs each job in the worker itself: RQ's default forks a process per
            # job, which opens its own database connection (measured: bench/README.md).
            worker = [*manage, "rqworker", "--job-class", "django_tasks_rq.Job",
                      "--worker-class", "rq.worker.SimpleWorker", "default"]
        else:
            # db_worker that reconnects after a lost database connection (aula.messaging).
            worker = [*manage, "run_worker", "--no-reload"]
        commands = {
            "web": web_command(config, bind, port, workers),
            "worker": worker,
            "scheduler": [*manage, "run_scheduler"],
        }
        commands = {name: cmd for name, cmd in commands.items() if self._available(cmd)}
        niceness = background_niceness()
        # glibc gives each thread of a process its own malloc arena (up to 8 per core), which
        # keeps freed memory: granian's workers run a few threads each; two arenas took ~3 MiB
        # off each worker's peak (bench/README.md, "The web server").
        web_env = {"MALLOC_ARENA_MAX": "2", **os.environ}
        children = {
            name: Supervised(name, cmd, niceness=0 if name == "web" else niceness,
                             env=web_env if name == "web" else None)
            for name, cmd in commands.items()
        }
        for child in children.values():
            child.start()
        self.stdout.write(self.style.SUCCESS(f"\nAula is running at {settings.AULA_BASE_URL}/"))
        if login is not None:
            self.stdout.write(f"Organiser console at {settings.AULA_BASE_URL}/en/console/ "
                              f"(and the admin at /admin/): "
                              f"user {login.username}, password {login.password}")
        else:
            self.stdout.write(f"Organiser console at {settings.AULA_BASE_URL}/en/console/; "
                              f"create an organiser with: manage.py createsuperuser")
        self.stdout.write(f"Started: {', '.join(children)}. Press Ctrl-C to stop.\n")
        self.stdout.flush()

        stopping = False
        web_exit = None

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        try:
            while not stopping and web_exit is None:
                web_exit = self._supervise(children)
                time.sleep(0.2)
        finally:
            self._stop_all(children.values())
        if web_exit is not None:
            # The outer supervisor (systemd's Restart=on-failure) starts everything again.
            raise CommandError(
                f"the web server exited with {web_exit}; stopped the worker and the scheduler",
                returncode=web_exit if web_exit > 0 else 1,
            )

    def _supervise(self, children) -> int | None:
        """Start again what is due; the web server's exit code if it has exited."""
        now = time.monotonic()
        for name, child in children.items():
            code = child.exited()
            if code is not None:
                if name == "web":
                    return code
                wait = child.schedule_restart(now)
                self._log(f"{name} (pid {child.process.pid}) exited with {code}; "
                          f"starting it again in {wait:.0f} s")
            elif child.due(now):
                child.start()
                child.restarts += 1
                self._log(f"{name} started again (restart {child.restarts}), "
                          f"pid {child.process.pid}")
        return None

    def _log(self, message):
        stamp = time.strftime("%Y-%m-%d %H:%M:%S")
        self.stderr.write(f"[{stamp}] start: {message}")
        self.stderr.flush()

    @staticmethod
    def _stop_all(children):
        running = [c.process for c in children if c.process and c.process.poll() is None]
        for proc in running:
            proc.terminate()
        deadline = time.monotonic() + 10
        for proc in running:
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    @staticmethod
    def _available(cmd) -> bool:
        """The scheduler command comes with the messaging app; start it when it exists."""
        if cmd[-1] != "run_scheduler":
            return True
        from django.core.management import get_commands

        return "run_scheduler" in get_commands()
