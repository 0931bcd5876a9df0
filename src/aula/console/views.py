from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from aula.console import queries, registrant_queries
from aula.console.models import Role
from aula.console.permissions import (
    allows,
    editable_project_ids,
    event_for,
    may_create_project,
    project_for,
)


@login_required
def home(request):
    editable = editable_project_ids(request.user)
    return render(request, "console/home.html", {
        "projects": [
            (project, events, editable is None or project.pk in editable)
            for project, events in queries.home_projects(request.user)
        ],
        "may_create_project": may_create_project(request.user),
    })


@login_required
def project(request, project):
    project, role = project_for(request.user, project)
    return render(request, "console/project.html", {
        "project": project, "role": role, "events": queries.project_events(project),
        "can_edit": allows(role, Role.EDITOR), "is_owner": allows(role, Role.OWNER),
    })


@login_required
def event(request, event_id):
    """The event's hub: every area of the console for this event starts here."""
    event, role = event_for(request.user, event_id)
    return render(request, "console/event.html", {
        "event": event, "project": event.project, "role": role,
        "content_language": event.primary_language,
        "session_places": registrant_queries.session_places(event),
    })
