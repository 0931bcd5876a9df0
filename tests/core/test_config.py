"""Configuration from the environment (aula.config): each setting's default and its parsing."""

import os
import stat

import pytest

from aula import config


@pytest.fixture
def var_dir(tmp_path, monkeypatch):
    """config.VAR_DIR is read at import: point the module global at a fresh directory."""
    path = tmp_path / "var"
    monkeypatch.setattr(config, "VAR_DIR", path)
    return path


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    for name in (
        "AULA_DATABASE_URL", "AULA_EMAIL_URL", "AULA_SECRET_KEY", "AULA_BASE_URL",
        "AULA_ALLOWED_HOSTS", "AULA_REDIS_URL", "PORT",
    ):
        monkeypatch.delenv(name, raising=False)


# --- database ------------------------------------------------------------------------------


def test_database_defaults_to_sqlite_in_var_with_wal_and_immediate_transactions(var_dir):
    db = config.database()
    assert db["ENGINE"] == "django.db.backends.sqlite3"
    assert db["NAME"] == str(var_dir / "aula.sqlite3")
    assert var_dir.is_dir()
    assert db["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in db["OPTIONS"]["init_command"]
    assert "foreign_keys=ON" in db["OPTIONS"]["init_command"]
    assert db["OPTIONS"]["timeout"] == 20
    assert db["CONN_MAX_AGE"] == 600  # kept open between requests


def test_database_from_a_postgres_url(var_dir, monkeypatch):
    monkeypatch.setenv("AULA_DATABASE_URL", "postgres://aula:s3cret@db.example:5433/aula_prod")
    db = config.database()
    assert db["ENGINE"] == "aula.core.pgbackend"  # Django's, with a cheaper health check
    assert (db["HOST"], db["PORT"], db["NAME"]) == ("db.example", 5433, "aula_prod")
    assert (db["USER"], db["PASSWORD"]) == ("aula", "s3cret")
    assert db["CONN_MAX_AGE"] == 60
    assert db["CONN_HEALTH_CHECKS"] is True
    assert "transaction_mode" not in db.get("OPTIONS", {})
    # Bound and prepared by the server (a registration's statements are planned once).
    assert db["OPTIONS"]["server_side_binding"] is True
    assert db["OPTIONS"]["prepare_threshold"] == 5
    assert not var_dir.exists()  # no SQLite, no var/ needed


def test_database_url_options_are_kept_and_win(var_dir, monkeypatch):
    monkeypatch.setenv(
        "AULA_DATABASE_URL", "postgres://aula@db.example/aula?sslmode=verify-full&prepare_threshold=none"
    )
    options = config.database()["OPTIONS"]
    assert options["sslmode"] == "verify-full"
    assert options["prepare_threshold"] is None  # a pooler that cannot keep them
    assert options["server_side_binding"] is True
    monkeypatch.setenv("AULA_DATABASE_URL", "postgres://aula@db.example/aula?prepare_threshold=2")
    assert config.database()["OPTIONS"]["prepare_threshold"] == 2


def test_database_argument_wins_over_the_environment(var_dir, monkeypatch):
    monkeypatch.setenv("AULA_DATABASE_URL", "postgres://aula@db.example/other")
    assert config.database("postgres://aula@localhost/given")["NAME"] == "given"


# --- e-mail --------------------------------------------------------------------------------


def test_email_without_url_writes_files_under_var_never_to_the_web(var_dir):
    """No AULA_EMAIL_URL: an explicit, non-public backend (files on the server), not the
    public mail viewer (that needs AULA_MAIL_VIEWER=true, see tests/messaging)."""
    assert config.email() == {
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(var_dir / "mail"),
    }
    assert config.email("")["EMAIL_BACKEND"].endswith("filebased.EmailBackend")


def test_email_smtp_with_starttls():
    mail = config.email("smtp://user:pass@mail.example:587?tls=True")
    assert mail["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (mail["EMAIL_HOST"], mail["EMAIL_PORT"]) == ("mail.example", 587)
    assert (mail["EMAIL_HOST_USER"], mail["EMAIL_HOST_PASSWORD"]) == ("user", "pass")
    assert mail["EMAIL_USE_TLS"] is True
    assert mail["EMAIL_USE_SSL"] is False
    assert mail["EMAIL_TIMEOUT"] == 30


def test_email_smtps_uses_implicit_tls():
    mail = config.email("smtps://user:pass@mail.example:465")
    assert mail["EMAIL_USE_SSL"] is True
    assert mail["EMAIL_USE_TLS"] is False
    assert mail["EMAIL_PORT"] == 465


def test_email_ssl_query_gives_implicit_tls():
    mail = config.email("smtp://user:pass@mail.example:465?ssl=True")
    assert (mail["EMAIL_USE_SSL"], mail["EMAIL_USE_TLS"]) == (True, False)


def test_email_url_from_the_environment(monkeypatch):
    monkeypatch.setenv("AULA_EMAIL_URL", "smtp://mail.example:25")
    assert config.email()["EMAIL_HOST"] == "mail.example"


# --- secret key ----------------------------------------------------------------------------


def test_secret_key_generated_once_private_and_stable(var_dir):
    key = config.secret_key()
    path = var_dir / "secret_key"
    assert len(key) >= 50
    assert path.read_text().strip() == key
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert config.secret_key() == key


def test_secret_key_from_the_environment_wins(var_dir, monkeypatch):
    config.secret_key()  # a generated key exists
    monkeypatch.setenv("AULA_SECRET_KEY", "from-the-environment")
    assert config.secret_key() == "from-the-environment"


def test_secret_key_from_the_environment_writes_nothing(var_dir, monkeypatch):
    monkeypatch.setenv("AULA_SECRET_KEY", "from-the-environment")
    config.secret_key()
    assert not (var_dir / "secret_key").exists()


# --- hosts and flags -----------------------------------------------------------------------


def test_base_url_defaults_to_localhost_on_port(monkeypatch):
    assert config.base_url() == "http://localhost:8000"
    monkeypatch.setenv("PORT", "9000")
    assert config.base_url() == "http://localhost:9000"
    monkeypatch.setenv("AULA_BASE_URL", "https://aula.example/")
    assert config.base_url() == "https://aula.example"


def test_allowed_hosts_include_the_base_url_host(monkeypatch):
    monkeypatch.setenv("AULA_BASE_URL", "https://seminars.example.eu")
    hosts = config.allowed_hosts()
    assert "seminars.example.eu" in hosts
    assert {"localhost", "127.0.0.1", "[::1]"} <= set(hosts)


def test_allowed_hosts_from_the_environment_are_not_duplicated(monkeypatch):
    monkeypatch.setenv("AULA_ALLOWED_HOSTS", " aula.example , other.example ,")
    monkeypatch.setenv("AULA_BASE_URL", "https://aula.example")
    assert config.allowed_hosts() == ["aula.example", "other.example"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [("1", True), ("true", True), ("Yes", True), (" on ", True),
     ("0", False), ("false", False), ("no", False), ("anything", False)],
)
def test_env_flag_words(monkeypatch, value, expected):
    monkeypatch.setenv("AULA_TEST_FLAG", value)
    assert config.env_flag("AULA_TEST_FLAG") is expected


@pytest.mark.parametrize("default", [True, False])
def test_env_flag_unset_or_blank_is_the_default(monkeypatch, default):
    monkeypatch.delenv("AULA_TEST_FLAG", raising=False)
    assert config.env_flag("AULA_TEST_FLAG", default=default) is default
    monkeypatch.setenv("AULA_TEST_FLAG", "  ")
    assert config.env_flag("AULA_TEST_FLAG", default=default) is default


def test_redis_url_is_optional(monkeypatch):
    assert config.redis_url() is None
    monkeypatch.setenv("AULA_REDIS_URL", "redis://localhost:6379/0")
    assert config.redis_url() == "redis://localhost:6379/0"


def test_email_submission_defaults_to_starttls_on_587():
    mail = config.email("submission://u%40x:p%2Fw@mail.example")
    assert (mail["EMAIL_PORT"], mail["EMAIL_USE_TLS"], mail["EMAIL_USE_SSL"]) == (587, True, False)
    assert (mail["EMAIL_HOST_USER"], mail["EMAIL_HOST_PASSWORD"]) == ("u@x", "p/w")


def test_email_unknown_scheme_is_refused():
    with pytest.raises(ValueError, match="unknown scheme"):
        config.email("imap://mail.example")
