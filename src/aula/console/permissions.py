"""The one place that decides whether an organiser may see or change a project's data.

Every console view goes through ``project_for`` / ``event_for``: a project the organiser is not
a member of does not exist for them (404); a role too low for the action is refused (403).
Superusers count as owners of every project.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from aula.console.models import ROLE_RANK, Membership, Role
from aula.events.models import Event
from aula.projects.models import Project


def role_in(user, project: Project) -> Role | None:
    if not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser:
        return Role.OWNER
    role = (
        Membership.objects.filter(user=user, project=project).values_list("role", flat=True).first()
    )
    return Role(role) if role else None


def allows(role: Role | None, needed: Role) -> bool:
    return role is not None and ROLE_RANK[role] >= ROLE_RANK[needed]


def visible_projects(user):
    """The projects an organiser may open in the console."""
    if not user.is_authenticated or not user.is_active:
        return Project.objects.none()
    if user.is_superuser:
        return Project.objects.all()
    return Project.objects.filter(memberships__user=user)


def project_for(user, slug: str, needed: Role = Role.VIEWER) -> tuple[Project, Role]:
    project = Project.objects.filter(slug=slug).first()
    role = role_in(user, project) if project else None
    if role is None:
        raise Http404
    if not allows(role, needed):
        raise PermissionDenied
    return project, role


def event_for(user, event_id: int, needed: Role = Role.VIEWER) -> tuple[Event, Role]:
    event = Event.objects.select_related("project").filter(pk=event_id).first()
    role = role_in(user, event.project) if event else None
    if role is None:
        raise Http404
    if not allows(role, needed):
        raise PermissionDenied
    return event, role
