from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsoleConfig(AppConfig):
    name = "aula.console"
    label = "console"
    verbose_name = _("Organiser console")

    def ready(self):
        from aula.console import import_uploads
        from aula.messaging import periodic

        # Uploaded registrant files (personal data) are not kept past an import's steps.
        periodic.register(import_uploads.sweep)
