"""The WSGI application for servers that import it in each worker process (granian, as
``manage.py start`` runs it): the same application as ``aula.wsgi``, warmed up on import, before
the worker accepts its first request (``aula.core.warmup``; gunicorn does this once in its
master instead, ``deploy/gunicorn.conf.py``)."""

from aula.core.warmup import warm_up
from aula.wsgi import application

warm_up()

__all__ = ["application"]
