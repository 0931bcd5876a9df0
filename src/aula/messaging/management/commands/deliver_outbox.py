from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aula.messaging import queries, services


class Command(BaseCommand):
    help = gettext_lazy("Send the due e-mails of the outbox now, once.")

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=services.DEFAULT_BATCH_SIZE)
        parser.add_argument("--max-seconds", type=float, default=services.DEFAULT_MAX_SECONDS)

    def handle(self, *args, batch_size, max_seconds, **options):
        report = services.deliver_due(batch_size=batch_size, max_seconds=max_seconds)
        self.stdout.write(
            _("Sent %(sent)s, to retry %(retried)s, failed %(failed)s, postponed %(postponed)s.")
            % report.as_dict()
        )
        if report.stopped_by:
            self.stderr.write(_("Stopped: %(error)s") % {"error": report.stopped_by})
        counts = queries.status_counts()
        self.stdout.write(
            _("Outbox now: %(queued)s queued, %(sending)s sending, %(sent)s sent, "
              "%(failed)s failed.") % counts
        )
