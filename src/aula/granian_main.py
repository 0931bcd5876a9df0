"""granian as ``manage.py start`` runs it: ``python -m aula.granian_main --host … --port …
--workers … [--access-log]``, the same server as granian's own command line with Aula's settings.

Why not ``python -m granian``: its command line is built with click, which the main process
imports (62 modules) and every worker, forked from it, then holds as well: 1.7 MiB of each web
worker's memory for a command line it never reads (bench/README.md, sixth session). Here the
main process imports only granian's server and this module's argparse.
"""

import argparse

# One request at a time per process, as gunicorn's sync workers: each holds one database
# connection, the views are synchronous.
BLOCKING_THREADS = 1
# A worker that grew past this (a slow leak; a certificate's WeasyPrint is ~50 MiB) is replaced,
# as gunicorn's max_requests bounded it; one that died is started again.
WORKERS_MAX_RSS_MIB = 300
WORKERS_KILL_TIMEOUT = 30
APPLICATION = "aula.wsgi_worker:application"


def arguments(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="aula.granian_main")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--access-log", action="store_true")
    return parser.parse_args(argv)


def server(options: argparse.Namespace):
    from granian.constants import Interfaces
    from granian.http import HTTP1Settings
    from granian.log import LogLevels
    from granian.server import Server

    return Server(
        APPLICATION,
        address=options.host,
        port=options.port,
        interface=Interfaces.WSGI,
        workers=options.workers,
        blocking_threads=BLOCKING_THREADS,
        http1_settings=HTTP1Settings(),  # what granian's command line passes by default
        respawn_failed_workers=True,
        workers_max_rss=WORKERS_MAX_RSS_MIB,
        workers_kill_timeout=WORKERS_KILL_TIMEOUT,
        log_level=LogLevels.warning,
        log_access=options.access_log,
    )


def main(argv=None) -> int:
    from granian.errors import FatalError

    try:
        server(arguments(argv)).serve()
    except FatalError:
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
