from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "aula.core"
    label = "core"
    verbose_name = "Aula core"
