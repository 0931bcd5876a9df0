"""``manage.py backup [--output PATH]``: the database and the uploaded media in one archive.

See ``aula.core.backup`` and docs/deploy.md ("Backups"). The archive holds personal data:
it is written readable by its owner only; encrypt it before it leaves the machine.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from aula.core.backup import create_backup
from aula.core.errors import ActionRefused


class Command(BaseCommand):
    help = "Write the database and the uploaded media to one archive (.tar.gz)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            help="The archive to write (default: AULA_VAR_DIR/backups/aula-<date>.tar.gz).",
        )

    def handle(self, *args, output=None, **options):
        try:
            path, manifest = create_backup(output)
        except ActionRefused as refusal:
            raise CommandError(str(refusal)) from refusal
        self.stdout.write(
            _("Backup written to %(path)s (%(vendor)s database, %(files)s media files).")
            % {"path": path, "vendor": manifest.vendor, "files": manifest.media_files}
        )
