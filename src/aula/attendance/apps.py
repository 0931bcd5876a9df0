from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AttendanceConfig(AppConfig):
    name = "aula.attendance"
    label = "attendance"
    verbose_name = _("Attendance")

    def ready(self):
        from aula.attendance import jobs, retention, services
        from aula.messaging import periodic
        from aula.registrations.services import registration_erased

        periodic.register(jobs.purge_uploads)

        registration_erased.connect(
            lambda sender, registration, **kwargs: services.forget_registration(registration),
            dispatch_uid="attendance.forget_registration", weak=False,
        )
        # Unmatched rows of old imports are deleted (attendance.retention), hourly.
        periodic.register(retention.purge_unmatched, every=3600)
