from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "aula.demo"
    label = "demo"
    verbose_name = "Demo data"
