"""Start Aula on one machine: the web server, the task worker and the scheduler together.

Ctrl-C (SIGINT) or SIGTERM stops all three. Used by ``make run`` (the demo, with its organiser
login) and ``make serve`` (``--production``: no demo account). gunicorn reads its settings from
``deploy/gunicorn.conf.py``; ``--bind``, ``--port`` and ``--workers`` override them.
"""

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand

from aula.core.services import ensure_organiser

GUNICORN_CONFIG = settings.BASE_DIR / "deploy" / "gunicorn.conf.py"


class Command(BaseCommand):
    help = "Start the web server, the task worker and the scheduler; Ctrl-C stops them all."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--bind", default=os.environ.get("AULA_BIND", "127.0.0.1"))
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("AULA_WEB_WORKERS") or 2),
            help="web server processes (AULA_WEB_WORKERS, default 2)",
        )
        parser.add_argument(
            "--config", default=str(GUNICORN_CONFIG), help="gunicorn's configuration file"
        )
        parser.add_argument(
            "--production", action="store_true",
            help="no demo organiser account: create organisers with manage.py createsuperuser",
        )

    def handle(self, *args, port, bind, workers, config, production, **options):
        login = None if production else ensure_organiser()
        manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
        if settings.REDIS_URL:
            # SimpleWorker runs each job in the worker itself: RQ's default forks a process per
            # job, which opens its own database connection (measured: bench/README.md).
            worker = [*manage, "rqworker", "--job-class", "django_tasks_rq.Job",
                      "--worker-class", "rq.worker.SimpleWorker", "default"]
        else:
            worker = [*manage, "db_worker"]
        commands = {
            "web": [
                sys.executable, "-m", "gunicorn", "--config", config,
                "--bind", f"{bind}:{port}", "--workers", str(workers), "aula.wsgi",
            ],
            "worker": worker,
            "scheduler": [*manage, "run_scheduler"],
        }
        commands = {name: cmd for name, cmd in commands.items() if self._available(cmd)}
        processes = {name: subprocess.Popen(cmd) for name, cmd in commands.items()}  # noqa: S603
        self.stdout.write(self.style.SUCCESS(f"\nAula is running at {settings.AULA_BASE_URL}/"))
        if login is not None:
            self.stdout.write(f"Organiser console at {settings.AULA_BASE_URL}/en/console/ "
                              f"(and the admin at /admin/): "
                              f"user {login.username}, password {login.password}")
        else:
            self.stdout.write(f"Organiser console at {settings.AULA_BASE_URL}/en/console/; "
                              f"create an organiser with: manage.py createsuperuser")
        self.stdout.write(f"Started: {', '.join(processes)}. Press Ctrl-C to stop.\n")
        self.stdout.flush()

        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        try:
            while not stopping:
                for name, proc in processes.items():
                    if proc.poll() is not None:
                        self.stderr.write(f"{name} exited with {proc.returncode}; stopping.")
                        stopping = True
                time.sleep(0.5)
        finally:
            for proc in processes.values():
                if proc.poll() is None:
                    proc.terminate()
            deadline = time.monotonic() + 10
            for proc in processes.values():
                try:
                    proc.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    proc.kill()

    @staticmethod
    def _available(cmd) -> bool:
        """The scheduler command comes with the messaging app; start it when it exists."""
        if cmd[-1] != "run_scheduler":
            return True
        from django.core.management import get_commands

        return "run_scheduler" in get_commands()
