"""Reads for the console's pages."""

from django.db.models import Count, Q

from aula.console.permissions import visible_projects
from aula.events.models import Event


def _with_counts(events):
    return events.annotate(
        registered=Count(
            "registrations", filter=Q(registrations__status__in=["confirmed", "held"])
        ),
        waiting=Count("registrations", filter=Q(registrations__status="waiting")),
    )


def project_events(project):
    return list(_with_counts(Event.objects.filter(project=project)).order_by("-starts_at"))


def home_projects(user):
    """The organiser's projects, each with its events (newest first) and registrant counts."""
    projects = list(visible_projects(user).order_by("name"))
    events = _with_counts(Event.objects.filter(project__in=projects)).order_by("-starts_at")
    by_project = {project.pk: [] for project in projects}
    for event in events:
        by_project[event.project_id].append(event)
    return [(project, by_project[project.pk]) for project in projects]
