from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    name = "aula.messaging"
    label = "messaging"
    verbose_name = _("Messaging")

    def ready(self):
        from aula.messaging import checks  # noqa: F401  (registers the deploy check)
