"""The WSGI application for servers that import it in each worker process (granian, as
``manage.py start`` runs it): the same application as ``aula.wsgi``, warmed up on import, before
the worker accepts its first request (``aula.core.warmup``; gunicorn does this once in its
master instead, ``deploy/gunicorn.conf.py``).

A granian worker outlives its main process when that one is killed (SIGKILL, the OOM killer)
and would go on answering on the port with nobody supervising it: like gunicorn's workers, each
watches its parent and stops when it is gone.
"""

import os
import signal
import threading
import time

from aula.core.warmup import warm_up
from aula.wsgi import application

PARENT_CHECK_SECONDS = 1.0


def exit_with_parent(check_seconds: float = PARENT_CHECK_SECONDS) -> threading.Thread:
    parent = os.getppid()

    def watch():
        while os.getppid() == parent:
            time.sleep(check_seconds)
        os.kill(os.getpid(), signal.SIGTERM)  # a graceful stop first
        time.sleep(10)
        os._exit(1)

    thread = threading.Thread(target=watch, name="aula-parent-watch", daemon=True)
    thread.start()
    return thread


warm_up()
exit_with_parent()

__all__ = ["application"]
