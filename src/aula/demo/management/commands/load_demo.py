"""``manage.py load_demo``: load (or bring up to date) the demo seminar. See aula.demo.loader."""

from django.core.management.base import BaseCommand, CommandError

from aula.demo.loader import DateMode, DemoError, load_demo


class Command(BaseCommand):
    help = (
        "Load ECoC-SME's seminar of 10 June 2021 as the demo. A new event is dated a few weeks "
        "ahead so one can try registering; an existing one keeps its date unless --original-date "
        "or --redate is given. Running it again changes nothing."
    )

    def add_arguments(self, parser):
        dates = parser.add_mutually_exclusive_group()
        dates.add_argument(
            "--original-date", action="store_true",
            help="Date the seminar on 10 June 2021, as it was held.",
        )
        dates.add_argument(
            "--redate", action="store_true",
            help="Move the seminar to the first Thursday at least three weeks from today.",
        )

    def handle(self, *args, original_date=False, redate=False, **options):
        mode = (
            DateMode.ORIGINAL if original_date else DateMode.REDATE if redate else DateMode.KEEP
        )
        try:
            result = load_demo(mode, log=lambda message: self.stderr.write(message))
        except DemoError as error:
            raise CommandError(str(error)) from error
        if options["verbosity"] > 1:
            for change in result.changes:
                self.stdout.write(change)
        self.stdout.write(result.summary())
