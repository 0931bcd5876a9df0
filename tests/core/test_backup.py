"""``manage.py backup`` and ``restore``: the database and the media come back exactly, and an
archive that cannot be restored here is refused with nothing changed. Runs on the database the
settings name: SQLite by default, PostgreSQL with AULA_DATABASE_URL."""

import io
import json
import stat
import tarfile

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from aula.core import backup
from aula.core.errors import ActionRefused
from aula.events.models import Event, ItemRole, Person
from aula.registrations.models import Registration
from tests.factories import (
    add_role,
    make_block,
    make_event,
    make_item,
    make_person,
    make_registration,
)

PHOTO = b"\x89PNG\r\n\x1a\n photo bytes of the speaker"

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def media(settings, tmp_path):
    """Uploaded files on disk (the test settings keep them in memory)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    return settings.MEDIA_ROOT


@pytest.fixture
def seminar(media):
    event = make_event(title={"en": "Circular procurement"})
    speaker = make_person(name="Rūta Kazlauskienė")
    add_role(make_item(make_block(event)), speaker)
    speaker.photo.save("ruta.png", ContentFile(PHOTO))
    first, second = make_registration(event), make_registration(event, first_name="Jonas")
    return event, speaker, [first, second]


def registrations_as_rows():
    return list(Registration.objects.order_by("pk").values_list("pk", "email", "first_name"))


def archive_with_manifest(source, target, **changes):
    """A copy of the archive ``source`` whose manifest has ``changes``."""
    with tarfile.open(source, "r:gz") as old, tarfile.open(target, "w:gz") as new:
        for member in old.getmembers():
            content = old.extractfile(member) if member.isfile() else None
            if member.name == backup.MANIFEST:
                data = json.loads(content.read())
                data.update(changes)
                raw = json.dumps(data).encode()
                member.size, content = len(raw), io.BytesIO(raw)
            new.addfile(member, content)
    return target


def take_backup(tmp_path):
    path = tmp_path / "aula.tar.gz"
    call_command("backup", output=str(path), stdout=io.StringIO())
    return path


def test_restore_puts_back_the_data_and_files_exactly(seminar, media, tmp_path):
    event, speaker, registrations = seminar
    rows = registrations_as_rows()
    photo_path = media / speaker.photo.name
    path = take_backup(tmp_path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600  # it holds personal data

    # Afterwards: a registration cancelled and one added, the title changed, the photo
    # replaced, another file uploaded, the speaker deleted.
    registrations[0].delete()
    make_registration(event, first_name="Later")
    Event.objects.filter(pk=event.pk).update(title={"en": "Changed"})
    photo_path.write_bytes(b"another photo")
    (media / "people" / "later.png").write_bytes(b"uploaded after the backup")
    ItemRole.objects.filter(person=speaker).delete()
    Person.objects.filter(pk=speaker.pk).delete()

    out = io.StringIO()
    call_command("restore", str(path), yes=True, stdout=out)

    assert "Restored the backup" in out.getvalue()
    assert registrations_as_rows() == rows
    assert Event.objects.get(pk=event.pk).title == {"en": "Circular procurement"}
    restored = Person.objects.get(pk=speaker.pk)
    assert restored.photo.name == speaker.photo.name
    assert ItemRole.objects.filter(person=restored, item__block__event=event).exists()
    assert photo_path.read_bytes() == PHOTO
    assert sorted(p.relative_to(media) for p in media.rglob("*") if p.is_file()) == [
        photo_path.relative_to(media)
    ]


def test_the_manifest_says_what_the_archive_holds(seminar, tmp_path):
    manifest = backup.read_manifest(take_backup(tmp_path))

    assert manifest.vendor == connection.vendor
    assert manifest.media_files == 1
    assert "events.0001_initial" in manifest.migrations
    assert manifest.aula_version and manifest.created_at


def test_restore_without_yes_changes_nothing(seminar, media, tmp_path):
    event, _speaker, _registrations = seminar
    path = take_backup(tmp_path)
    Event.objects.filter(pk=event.pk).update(title={"en": "Changed"})

    with pytest.raises(CommandError, match="run again with --yes"):
        call_command("restore", str(path))

    assert Event.objects.get(pk=event.pk).title == {"en": "Changed"}


def test_an_archive_of_another_database_vendor_is_refused(seminar, tmp_path):
    event, _speaker, registrations = seminar
    other = "sqlite" if connection.vendor == "postgresql" else "postgresql"
    path = archive_with_manifest(take_backup(tmp_path), tmp_path / "other.tar.gz", vendor=other)
    registrations[0].delete()

    with pytest.raises(CommandError, match=f"holds a {other} database"):
        call_command("restore", str(path), yes=True)

    assert Registration.objects.filter(event=event).count() == 1


def test_an_archive_of_a_newer_aula_is_refused(seminar, tmp_path):
    event, _speaker, registrations = seminar
    source = take_backup(tmp_path)
    newer = backup.read_manifest(source).migrations + ["events.9999_from_the_future"]
    path = archive_with_manifest(source, tmp_path / "newer.tar.gz", migrations=newer,
                                 aula_version="9.0")
    registrations[0].delete()

    with pytest.raises(CommandError, match=r"newer Aula \(9.0\).*events.9999_from_the_future"):
        call_command("restore", str(path), yes=True)

    assert Registration.objects.filter(event=event).count() == 1


def test_an_older_archive_is_restored_and_asks_for_migrate(seminar, tmp_path):
    source = take_backup(tmp_path)
    older = [name for name in backup.read_manifest(source).migrations
             if name != "events.0001_initial"]
    path = archive_with_manifest(source, tmp_path / "older.tar.gz", migrations=older)
    out = io.StringIO()

    call_command("restore", str(path), yes=True, stdout=out)

    assert "run manage.py migrate" in out.getvalue()


def test_a_file_that_is_no_archive_is_refused(db, tmp_path):
    path = tmp_path / "notes.tar.gz"
    path.write_bytes(b"not a backup")

    with pytest.raises(CommandError, match="is not an Aula backup archive"):
        call_command("restore", str(path), yes=True)


def test_missing_postgresql_client_programs_are_named(monkeypatch):
    monkeypatch.setattr(backup.shutil, "which", lambda name: None)
    monkeypatch.setattr(backup, "glob", lambda pattern: [])

    with pytest.raises(ActionRefused, match="pg_dump was not found.*postgresql-client"):
        backup.pg_tool("pg_dump")


@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="runs on PostgreSQL only (AULA_DATABASE_URL)")
def test_backup_on_postgresql_without_pg_dump_fails_clearly(monkeypatch, tmp_path):
    monkeypatch.setattr(backup.shutil, "which", lambda name: None)
    monkeypatch.setattr(backup, "glob", lambda pattern: [])

    with pytest.raises(CommandError, match="pg_dump was not found"):
        call_command("backup", output=str(tmp_path / "a.tar.gz"))
