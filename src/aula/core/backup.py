"""Backup and restore of one installation: the database and the uploaded media in one archive.

The archive is a gzipped tar holding ``manifest.json`` (Aula's version, the database vendor,
the applied migrations, the date), the database (``database.dump`` from ``pg_dump
--format=custom`` on PostgreSQL, ``database.sqlite3`` copied with SQLite's online backup API
elsewhere — both consistent while the site runs) and ``media/`` (MEDIA_ROOT as it was).

Both directions use the connection settings Django has (``connection.settings_dict``), so the
commands work on whatever database the settings name, the test database included. Restore
refuses an archive of another database vendor or of a newer Aula (a migration this code does
not know): it would leave a database the code cannot run.
"""

import importlib.metadata
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from glob import glob
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import connection, connections
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils.translation import gettext as _

from aula.core.errors import ActionRefused

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA = "media"
DATABASE_FILES = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}


@dataclass
class Manifest:
    format: int
    aula_version: str
    created_at: str
    vendor: str
    migrations: list[str]
    media_files: int

    @classmethod
    def from_json(cls, raw: bytes) -> "Manifest":
        data = json.loads(raw)
        return cls(**{name: data[name] for name in cls.__dataclass_fields__})

    def to_json(self) -> bytes:
        return json.dumps(self.__dict__, indent=2, sort_keys=True).encode()


def aula_version() -> str:
    try:
        return importlib.metadata.version("aula")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def applied_migrations() -> list[str]:
    recorder = MigrationRecorder(connection)
    return sorted(f"{app}.{name}" for app, name in recorder.applied_migrations())


def known_migrations() -> set[str]:
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return {f"{app}.{name}" for app, name in loader.disk_migrations}


def vendor_supported() -> str:
    if connection.vendor not in DATABASE_FILES:
        raise ActionRefused(
            _("Backups support PostgreSQL and SQLite, not %(vendor)s.")
            % {"vendor": connection.vendor}
        )
    return connection.vendor


# --- PostgreSQL -------------------------------------------------------------------------------


def pg_tool(name: str) -> str:
    """The path of ``pg_dump`` or ``pg_restore``: on PATH, else Debian's newest cluster's."""
    found = shutil.which(name) or next(
        iter(sorted(glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)), None
    )
    if not found:
        raise ActionRefused(
            _(
                "%(tool)s was not found. Install PostgreSQL's client programs (Debian: apt-get "
                "install postgresql-client, of the server's major version or newer) and try "
                "again."
            )
            % {"tool": name}
        )
    return found


def pg_environment() -> dict[str, str]:
    """libpq's variables for Django's own connection settings (the password never on the
    command line, where other users could read it)."""
    config = connection.settings_dict
    env = dict(os.environ)
    values = {
        "PGDATABASE": config.get("NAME"),
        "PGUSER": config.get("USER"),
        "PGPASSWORD": config.get("PASSWORD"),
        "PGHOST": config.get("HOST"),
        "PGPORT": str(config.get("PORT") or ""),
        "PGSSLMODE": (config.get("OPTIONS") or {}).get("sslmode"),
    }
    env.update({key: value for key, value in values.items() if value})
    return env


def run_pg(command: list[str]) -> None:
    result = subprocess.run(  # noqa: S603 - our own arguments, no shell
        command, env=pg_environment(), capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise ActionRefused(
            _("%(tool)s failed: %(error)s")
            % {"tool": Path(command[0]).name, "error": result.stderr.strip()}
        )


def dump_postgresql(target: Path) -> None:
    run_pg([pg_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={target}"])


def restore_postgresql(source: Path) -> None:
    connections.close_all()  # our own open connections would block the DROPs
    run_pg(
        [
            pg_tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={connection.settings_dict['NAME']}",
            str(source),
        ]
    )


# --- SQLite -----------------------------------------------------------------------------------


def raw_sqlite_connection() -> sqlite3.Connection:
    connection.ensure_connection()
    return connection.connection


def dump_sqlite(target: Path) -> None:
    copy = sqlite3.connect(target)
    try:
        raw_sqlite_connection().backup(copy)
    finally:
        copy.close()


def restore_sqlite(source: Path) -> None:
    archived = sqlite3.connect(source)
    try:
        archived.backup(raw_sqlite_connection())
    finally:
        archived.close()
    connections.close_all()


DUMPERS = {"postgresql": dump_postgresql, "sqlite": dump_sqlite}
RESTORERS = {"postgresql": restore_postgresql, "sqlite": restore_sqlite}


# --- Media ------------------------------------------------------------------------------------


def media_root() -> Path:
    return Path(settings.MEDIA_ROOT)


def media_files(root: Path) -> list[Path]:
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.is_dir() else []


def replace_media(extracted: Path) -> None:
    """MEDIA_ROOT becomes exactly the archive's media: files added since are gone too. The old
    folder is moved aside first and removed only once the new one is in place."""
    root = media_root()
    root.parent.mkdir(parents=True, exist_ok=True)
    incoming = Path(tempfile.mkdtemp(prefix=".media-restoring-", dir=root.parent))
    shutil.copytree(extracted, incoming, dirs_exist_ok=True)
    old = root.with_name(f".media-replaced-{datetime.now(UTC):%Y%m%d%H%M%S%f}")
    if root.exists():
        root.rename(old)
    incoming.rename(root)
    shutil.rmtree(old, ignore_errors=True)


# --- The archive ------------------------------------------------------------------------------


def default_archive_path() -> Path:
    return Path(settings.VAR_DIR) / "backups" / f"aula-{datetime.now(UTC):%Y%m%d-%H%M%S}.tar.gz"


def create_backup(target: Path | None = None) -> tuple[Path, Manifest]:
    """Write the archive to ``target`` (readable by its owner only: it holds personal data)."""
    vendor = vendor_supported()
    target = Path(target or default_archive_path())
    target.parent.mkdir(parents=True, exist_ok=True)
    root = media_root()
    with tempfile.TemporaryDirectory() as work:
        database_file = Path(work) / DATABASE_FILES[vendor]
        migrations = applied_migrations()
        DUMPERS[vendor](database_file)
        files = media_files(root)
        manifest = Manifest(
            format=FORMAT,
            aula_version=aula_version(),
            created_at=datetime.now(UTC).isoformat(timespec="seconds"),
            vendor=vendor,
            migrations=migrations,
            media_files=len(files),
        )
        (Path(work) / MANIFEST).write_bytes(manifest.to_json())
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle, tarfile.open(fileobj=handle, mode="w:gz") as tar:
            tar.add(Path(work) / MANIFEST, arcname=MANIFEST)
            tar.add(database_file, arcname=database_file.name)
            tar.add(root if root.is_dir() else work, arcname=MEDIA, recursive=False)
            for path in files:
                tar.add(path, arcname=f"{MEDIA}/{path.relative_to(root).as_posix()}")
    return target, manifest


def read_manifest(archive: Path) -> Manifest:
    try:
        with tarfile.open(archive, mode="r:gz") as tar:
            member = tar.extractfile(MANIFEST)
            return Manifest.from_json(member.read())
    except (OSError, tarfile.TarError, KeyError, ValueError, TypeError, AttributeError) as error:
        raise ActionRefused(
            _("%(path)s is not an Aula backup archive (%(error)s).")
            % {"path": archive, "error": error}
        ) from error


def restore_refusal(manifest: Manifest) -> str | None:
    """Why this archive must not be restored here, or None."""
    vendor = vendor_supported()
    if manifest.format != FORMAT:
        return _("This archive's format (%(format)s) is not one this Aula reads.") % {
            "format": manifest.format
        }
    if manifest.vendor != vendor:
        return _(
            "This archive holds a %(archived)s database; this installation runs on %(current)s. "
            "Restore it on a %(archived)s installation (to move between databases, use "
            "dumpdata and loaddata)."
        ) % {"archived": manifest.vendor, "current": vendor}
    unknown = sorted(set(manifest.migrations) - known_migrations())
    if unknown:
        return _(
            "This archive was made by a newer Aula (%(version)s): its database has migrations "
            "this code does not know (%(migrations)s). Install that version or newer first, "
            "then restore."
        ) % {"version": manifest.aula_version, "migrations": ", ".join(unknown)}
    return None


def pending_after_restore(manifest: Manifest) -> list[str]:
    """Migrations this code has that the archive's database had not applied."""
    return sorted(known_migrations() - set(manifest.migrations))


def restore_backup(archive: Path) -> Manifest:
    """Replace the database and MEDIA_ROOT with the archive's. Everything is checked and
    extracted before anything is overwritten."""
    manifest = read_manifest(archive)
    refusal = restore_refusal(manifest)
    if refusal:
        raise ActionRefused(refusal)
    with tempfile.TemporaryDirectory() as work, tarfile.open(archive, mode="r:gz") as tar:
        tar.extractall(work, filter="data")  # refuses absolute paths, "..", devices, links out
        database_file = Path(work) / DATABASE_FILES[manifest.vendor]
        if not database_file.is_file():
            raise ActionRefused(_("The archive holds no database file."))
        RESTORERS[manifest.vendor](database_file)
        replace_media(Path(work) / MEDIA)
    cache.clear()  # cached pages and counters of the database that was replaced
    return manifest
