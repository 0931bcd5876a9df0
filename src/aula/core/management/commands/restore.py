"""``manage.py restore ARCHIVE --yes``: put back the database and media of a ``backup`` archive.

Refuses an archive of another database vendor or of a newer Aula; without ``--yes`` it only
says what it would overwrite. Stop the web servers, workers and scheduler first (docs/deploy.md).
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils.translation import gettext as _

from aula.core.backup import (
    media_root,
    pending_after_restore,
    read_manifest,
    restore_backup,
    restore_refusal,
)
from aula.core.errors import ActionRefused


class Command(BaseCommand):
    help = "Replace the database and the uploaded media with those of a backup archive."

    def add_arguments(self, parser):
        parser.add_argument("archive", help="An archive written by manage.py backup.")
        parser.add_argument(
            "--yes", action="store_true", help="Overwrite the database and the media."
        )

    def handle(self, *args, archive, yes=False, **options):
        path = Path(archive)
        try:
            manifest = read_manifest(path)
            refusal = restore_refusal(manifest)
            if refusal:
                raise ActionRefused(refusal)
            if not yes:
                raise ActionRefused(
                    _(
                        "This would replace the database %(database)s and every file in "
                        "%(media)s with the backup of %(date)s (Aula %(version)s). Stop Aula's "
                        "web servers, workers and scheduler, then run again with --yes."
                    )
                    % {
                        "database": connection.settings_dict["NAME"],
                        "media": media_root(),
                        "date": manifest.created_at,
                        "version": manifest.aula_version,
                    }
                )
            restore_backup(path)
        except ActionRefused as refusal:
            raise CommandError(str(refusal)) from refusal
        self.stdout.write(_("Restored the backup of %(date)s.") % {"date": manifest.created_at})
        pending = pending_after_restore(manifest)
        if pending:
            self.stdout.write(
                _("The restored database lacks %(count)s migrations: run manage.py migrate.")
                % {"count": len(pending)}
            )
