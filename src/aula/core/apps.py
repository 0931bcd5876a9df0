from django.apps import AppConfig
from django.db.backends.signals import connection_created


class CoreConfig(AppConfig):
    name = "aula.core"
    label = "core"
    verbose_name = "Aula core"

    def ready(self):
        from aula.core import collation

        # Every SQLite connection sorts names with the Unicode Collation Algorithm.
        connection_created.connect(collation.register, dispatch_uid="aula.core.collation")
