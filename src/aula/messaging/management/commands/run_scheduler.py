import logging
import signal
import threading

from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aula.messaging import periodic

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = gettext_lazy(
        "Enqueue the periodic tick (outbox retries, reminders, expired holds) every few seconds "
        "until stopped with SIGTERM or Ctrl-C."
    )

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=15.0, help=gettext_lazy("seconds"))
        parser.add_argument(
            "--iterations", type=int, default=0,
            help=gettext_lazy("stop after this many ticks (0: run until stopped)"),
        )

    def handle(self, *args, interval, iterations, **options):
        stop = threading.Event()
        previous_handlers = {
            signum: signal.signal(signum, lambda *_args: stop.set())
            for signum in (signal.SIGTERM, signal.SIGINT)
        }
        self.stdout.write(_("Scheduler: a tick every %(interval)s s.") % {"interval": interval})
        previous, count = None, 0
        try:
            while not stop.is_set():
                # A long-lived process: drop database connections that went stale meanwhile.
                close_old_connections()
                try:
                    previous = periodic.enqueue_tick(previous)
                except Exception:
                    # The queue may be down for a while; keep ticking rather than die.
                    logger.exception("Could not enqueue the tick")
                count += 1
                if iterations and count >= iterations:
                    break
                stop.wait(interval)
        finally:
            for signum, handler in previous_handlers.items():
                signal.signal(signum, handler)
            close_old_connections()
        self.stdout.write(_("Scheduler stopped."))
