from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "aula.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from aula.registrations.retention import personal_data_expiring
        from aula.reports import services

        # Before the retention job erases an event's registrants, the distinct organisations
        # are counted and kept (their names go), so the reports stay right.
        personal_data_expiring.connect(
            lambda sender, event, **kwargs: services.keep_organisation_counts(event),
            dispatch_uid="reports.keep_organisation_counts", weak=False,
        )
