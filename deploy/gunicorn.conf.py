"""gunicorn's configuration for Aula, used by ``manage.py start`` (``make run``, ``make serve``)
and usable as is: ``gunicorn -c deploy/gunicorn.conf.py aula.wsgi``.

Every value can be overridden on gunicorn's command line (``start`` passes ``--bind`` and
``--workers``). See docs/deploy.md.
"""

import os

from aula.config import web_workers

wsgi_app = "aula.wsgi"
bind = f"{os.environ.get('AULA_BIND', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"

# Synchronous workers, one thread each: Aula's views are synchronous. One more than the cores
# (``aula.config.web_workers``; AULA_WEB_WORKERS sets it); each holds one database connection
# (CONN_MAX_AGE keeps it open between requests).
# Measured against "gthread" (keep-alive) on the event page (bench/README.md, 2026-12-06): a
# sync worker spends ~40 % of its time closing each connection (gunicorn's close_graceful),
# and gthread with one thread answered up to ~20 % more requests/s, but its p99 at 64
# connections was worse (35-68 ms against 26 ms; likely because a kept-alive connection
# stays with the worker that accepted it) and the target is a p99 of 50 ms: sync stays.
workers = web_workers()
worker_class = "sync"
threads = 1

# Exports of large events take longer than gunicorn's default 30 s.
timeout = 120
graceful_timeout = 30
keepalive = 5

# Restart a worker after about fifty thousand requests (jittered so they do not all restart at
# once): bounds the memory a slow leak could take. Not fewer: under a rush of 2,000 requests/s
# a restart every few seconds cost more than the leak it guards against (bench/README.md).
max_requests = 50000
max_requests_jitter = 5000

# Django is imported once in the master and the workers are forked from it: a restarted worker
# serves at once instead of spending a second importing. Connections open lazily, per worker.
preload_app = True


def when_ready(server):
    """In the master, after the app is loaded and before any worker is forked: do what each
    worker's first request would (aula.core.warmup)."""
    if server.cfg.preload_app:
        from aula.core.warmup import warm_up

        warm_up()

# Behind a reverse proxy on the same machine: trust its X-Forwarded-* headers.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Access log on standard output when AULA_ACCESS_LOG=1: client (as the proxy saw it), request,
# status, bytes, time in microseconds, referrer, user agent. Off by default: the reverse proxy
# in front logs every request already, and formatting a line per request here cost about a
# tenth of a cached page's time.
accesslog = "-" if os.environ.get("AULA_ACCESS_LOG", "").lower() in ("1", "true", "yes") else None
access_log_format = '%({x-forwarded-for}i)s %(h)s "%(r)s" %(s)s %(B)s %(D)sus "%(f)s" "%(a)s"'
errorlog = "-"
loglevel = "warning"
