from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "aula.projects"
    label = "projects"
    verbose_name = _("Projects and partners")

    def ready(self):
        from aula.core import pagecache
        from aula.projects.models import Partner, Project

        # The public pages show a project and its partners: their cached copies go stale.
        def slugs(**lookup):
            return Project.objects.filter(**lookup).values_list("slug", flat=True)

        pagecache.watch(
            Project, lambda project: [project.slug], uid="projects.pages.project",
            before_save=lambda project: slugs(pk=project.pk),  # a changed address
        )
        pagecache.watch(
            Partner, lambda partner: slugs(pk=partner.project_id), uid="projects.pages.partner"
        )
