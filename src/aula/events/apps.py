from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "aula.events"
    label = "events"
    verbose_name = _("Events and agendas")

    def ready(self):
        from aula.core import pagecache
        from aula.events import lifecycle
        from aula.messaging import periodic

        # Published events that have ended become held by themselves.
        periodic.register(lifecycle.mark_ended_events_held)
        from aula.events.models import AgendaBlock, AgendaItem, Event, ItemRole, Person
        from aula.projects.models import Project

        # An event, its agenda and its people are on the public pages: a change to any of them
        # makes the cached pages of the project(s) showing it stale.
        def slugs(**lookup):
            return list(Project.objects.filter(**lookup).values_list("slug", flat=True).distinct())

        pagecache.watch(
            Event, lambda event: slugs(pk=event.project_id), uid="events.pages.event",
            before_save=lambda event: slugs(events=event.pk),  # an event moved to another project
        )
        pagecache.watch(
            AgendaBlock, lambda block: slugs(events=block.event_id), uid="events.pages.block"
        )
        pagecache.watch(
            AgendaItem, lambda item: slugs(events__blocks=item.block_id), uid="events.pages.item"
        )
        pagecache.watch(
            ItemRole, lambda role: slugs(events__blocks__items=role.item_id),
            uid="events.pages.role",
        )
        pagecache.watch(
            Person, lambda person: slugs(events__blocks__items__roles__person=person.pk),
            uid="events.pages.person",
        )
