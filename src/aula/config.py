"""Configuration read from the environment: one function per setting, each with a safe default.

Settings import these; nothing else reads ``os.environ`` for configuration.
"""

import os
import secrets
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import dj_database_url

# The repository checkout (src/aula/config.py -> parents[2]); var/ holds the embedded database,
# uploaded media and the generated secret key.
BASE_DIR = Path(__file__).resolve().parents[2]
VAR_DIR = Path(os.environ.get("AULA_VAR_DIR", BASE_DIR / "var"))

TRUE_WORDS = {"1", "true", "yes", "on"}


def env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in TRUE_WORDS


def env_list(name: str, default: str) -> list[str]:
    raw = os.environ.get(name) or default
    return [part.strip() for part in raw.split(",") if part.strip()]


def database(url: str | None = None) -> dict:
    """The default database: ``AULA_DATABASE_URL`` or SQLite under var/."""
    url = url or os.environ.get("AULA_DATABASE_URL")
    if not url:
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{VAR_DIR / 'aula.sqlite3'}"
    config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # SQLite in WAL mode with IMMEDIATE transactions: writers queue on the database lock
        # at BEGIN instead of failing with "database is locked" on upgrade from a read.
        # Kept open between requests: opening one (with the PRAGMAs below) cost about a
        # twentieth of a registration's time (profiled, bench/README.md).
        config["CONN_MAX_AGE"] = 600
        config["CONN_HEALTH_CHECKS"] = False
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            ),
        }
    elif config["ENGINE"] == "django.db.backends.postgresql":
        # Django's backend, whose health check skips its SELECT 1 on a quiet connection
        # (aula/core/pgbackend/base.py).
        config["ENGINE"] = "aula.core.pgbackend"
        # Parameters bound by the server, and a statement run five times on a connection is
        # prepared there: PostgreSQL parses and plans it once, not per request (a registration
        # runs the same ten; the server's CPU per POST a third to a half less,
        # bench/README.md). Needs a direct connection or a pooler that keeps prepared
        # statements (docs/deploy.md). The URL's own options (``?sslmode=...``) are kept, and
        # win.
        options = {"server_side_binding": True, "prepare_threshold": 5,
                   **config.get("OPTIONS", {})}
        threshold = options["prepare_threshold"]
        if isinstance(threshold, str):  # from the URL: "none" turns preparing off
            options["prepare_threshold"] = None if threshold.lower() == "none" else int(threshold)
        config["OPTIONS"] = options
    return config


def redis_cache(url: str) -> dict:
    """``CACHES`` on Redis at ``url``: Django's own Redis backend (one module where
    django-redis, which it replaced, imported twenty; bench/README.md), whose client the RQ
    queue shares (``aula.core.rediscache``, ``rq_queues``)."""
    return {
        "default": {
            "BACKEND": "aula.core.rediscache.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "aula",
        }
    }


def rq_queues() -> dict:
    """``RQ_QUEUES``: the queue on the default cache's Redis client (the same server and
    database as ``redis_cache``), so that enqueueing reuses its connections."""
    return {"default": {"USE_REDIS_CACHE": "default"}}


def secret_key() -> str:
    """``AULA_SECRET_KEY``, or a key generated once into var/secret_key (never in the repo)."""
    key = os.environ.get("AULA_SECRET_KEY")
    if key:
        return key
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


def email(url: str | None = None) -> dict:
    """Django e-mail settings from ``AULA_EMAIL_URL``.

    ``smtp://user:pass@host:587?tls=true`` (STARTTLS), ``smtps://user:pass@host:465``
    (implicit TLS), ``submission://user:pass@host`` (STARTTLS on 587); ``?timeout=30``.
    Without a URL, mail is written to files under var/mail/ (one per batch, readable only on
    the server), never sent and never shown on the web; the demo's mail viewer
    (``AULA_MAIL_VIEWER=true``) keeps it in the database instead.
    """
    url = url if url is not None else os.environ.get("AULA_EMAIL_URL", "")
    if not url:
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(VAR_DIR / "mail"),
        }
    parts = urlsplit(url)
    if parts.scheme not in {"smtp", "smtps", "submission"}:
        raise ValueError(
            f"AULA_EMAIL_URL: unknown scheme {parts.scheme!r}; use smtp, smtps or submission"
        )
    query = {key: values[-1].lower() for key, values in parse_qs(parts.query).items()}
    use_ssl = parts.scheme == "smtps" or query.get("ssl") in TRUE_WORDS
    use_tls = not use_ssl and (parts.scheme == "submission" or query.get("tls") in TRUE_WORDS)
    default_port = 465 if use_ssl else 587 if parts.scheme == "submission" else 25
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parts.hostname or "localhost",
        "EMAIL_PORT": parts.port or default_port,
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_TLS": use_tls,
        "EMAIL_USE_SSL": use_ssl,
        "EMAIL_TIMEOUT": int(query.get("timeout") or 30),
    }


def base_url() -> str:
    """Absolute address of the site, used in e-mails, calendar files and share tags."""
    port = os.environ.get("PORT", "8000")
    return (os.environ.get("AULA_BASE_URL") or f"http://localhost:{port}").rstrip("/")


def allowed_hosts() -> list[str]:
    hosts = env_list("AULA_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
    base_host = urlsplit(base_url()).hostname
    if base_host and base_host not in hosts:
        hosts.append(base_host)
    return hosts


def https(base: str, trusted_proxies: int) -> dict:
    """Settings for a site served over HTTPS (``AULA_BASE_URL`` https://...): behind a trusted
    proxy (``AULA_TRUSTED_PROXIES`` > 0) that sets X-Forwarded-Proto, requests are known to be
    secure, plain HTTP is redirected and browsers are told to use HTTPS only (HSTS,
    ``AULA_HSTS_SECONDS``, default a year; 0 turns it off). Without HTTPS: nothing of this."""
    if not base.startswith("https://"):
        return {"SECURE_HSTS_SECONDS": 0, "SECURE_HSTS_PRELOAD": False}
    settings = {
        "SECURE_HSTS_SECONDS": int(os.environ.get("AULA_HSTS_SECONDS") or 31536000),
        # Only this host's own subdomains (aula.example.eu -> *.aula.example.eu).
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": env_flag("AULA_HSTS_PRELOAD"),
    }
    if trusted_proxies > 0:
        settings["SECURE_PROXY_SSL_HEADER"] = ("HTTP_X_FORWARDED_PROTO", "https")
        settings["SECURE_SSL_REDIRECT"] = True
    return settings


def redis_url() -> str | None:
    return os.environ.get("AULA_REDIS_URL") or None


def web_workers() -> int:
    """Web server processes: ``AULA_WEB_WORKERS``, else one more than the machine's cores —
    a synchronous worker waits on the database for part of each registration, and the extra
    one fills those waits (measured on 2 cores, bench/README.md "Where the CPU goes": 3 workers
    registered 10-15 % more per second than 2; 4 were no better)."""
    raw = (os.environ.get("AULA_WEB_WORKERS") or "").strip()
    if not raw:
        return (os.cpu_count() or 1) + 1
    if not raw.isdigit() or int(raw) < 1:
        raise ValueError(f"AULA_WEB_WORKERS must be a whole number of 1 or more, not {raw!r}.")
    return int(raw)


def background_niceness() -> int:
    """How much lower the task worker's and the scheduler's CPU priority is than the web
    server's (``nice``): ``AULA_BACKGROUND_NICE``, 0 (off) to 19, default 10. Raises
    ``ValueError`` for anything but a whole number."""
    raw = (os.environ.get("AULA_BACKGROUND_NICE") or "").strip()
    if not raw:
        return 10
    try:
        return min(max(int(raw), 0), 19)
    except ValueError:
        raise ValueError(
            f"AULA_BACKGROUND_NICE must be a whole number from 0 to 19, not {raw!r}."
        ) from None


WEB_SERVERS = ("granian", "gunicorn")


def web_server() -> str:
    """The WSGI server ``manage.py start`` runs: ``AULA_WEB_SERVER``, granian (default) or
    gunicorn. granian (HTTP in Rust, connections kept alive) answered the event page ~7× as fast
    as gunicorn's synchronous workers on 2 cores, the same registration POSTs as fast, and the
    browser-like registration (three requests on one connection) ~1.5× (bench/README.md,
    "The web server"); gunicorn stays for those who run it already (deploy/gunicorn.conf.py)."""
    value = (os.environ.get("AULA_WEB_SERVER") or "granian").strip().lower()
    if value not in WEB_SERVERS:
        raise ValueError(f"AULA_WEB_SERVER must be one of {', '.join(WEB_SERVERS)}, not {value!r}.")
    return value
