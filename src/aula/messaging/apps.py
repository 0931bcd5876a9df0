from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

HOURLY = 3600


class MessagingConfig(AppConfig):
    name = "aula.messaging"
    label = "messaging"
    verbose_name = _("Messaging")

    def ready(self):
        from aula.core import housekeeping
        from aula.messaging import (
            checks,  # noqa: F401  (registers the deploy check)
            periodic,
            retention,
        )

        # Personal data kept only briefly: old e-mails' addresses and bodies, login records,
        # expired sessions, finished task results; hourly is often enough.
        for job in (retention.purge_old_messages, housekeeping.purge_login_records,
                    housekeeping.clear_expired_sessions, housekeeping.purge_task_results):
            periodic.register(job, every=HOURLY)
