from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MaterialsConfig(AppConfig):
    name = "aula.materials"
    label = "materials"
    verbose_name = _("Materials")

    def ready(self):
        from aula.core import pagecache
        from aula.materials import services
        from aula.materials.models import Material
        from aula.messaging import periodic
        from aula.projects.models import Project

        # The event page lists the published materials.
        pagecache.watch(
            Material,
            lambda material: Project.objects.filter(events=material.event_id).values_list(
                "slug", flat=True
            ),
            uid="materials.pages.material",
        )
        # "The materials are online", where the organiser switched it on.
        periodic.register(services.send_materials_notices)
