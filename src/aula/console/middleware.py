"""Console pages about one event show its times in the event's own zone."""

import zoneinfo

from django.utils import timezone

from aula.events.models import Event


class EventTimeZoneMiddleware:
    """Activates the event's zone for console views that take an ``event_id`` (the date filters
    of every console template then show the event's local time), UTC elsewhere."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()

    def process_view(self, request, view_func, view_args, view_kwargs):
        event_id = view_kwargs.get("event_id")
        if event_id is None or request.path.split("/")[2:3] != ["console"]:
            return None
        name = Event.objects.filter(pk=event_id).values_list("time_zone", flat=True).first()
        if name:
            timezone.activate(zoneinfo.ZoneInfo(name))
        return None
