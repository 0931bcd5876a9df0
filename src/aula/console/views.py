from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from aula.console import queries, registrant_queries
from aula.console.permissions import event_for, project_for


@login_required
def home(request):
    return render(request, "console/home.html", {"projects": queries.home_projects(request.user)})


@login_required
def project(request, project):
    project, role = project_for(request.user, project)
    return render(request, "console/project.html", {
        "project": project, "role": role, "events": queries.project_events(project),
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
