"""The one place that decides whether an organiser may see or change a project's data.

Every console view goes through ``project_for`` / ``event_for``: a project the organiser is not
a member of does not exist for them (404); a role too low for the action is refused (403).
Superusers count as owners of every project.

Creating a project belongs to no project, so it has its own rule (``may_create_project``): a
superuser, or a staff account given the permission "Can add project" (``projects.add_project``,
granted in the admin to the people who set projects up). The creator becomes the new project's
owner; owners then edit it, its partners and members; editors and viewers read it.

Downloading personal data (registrant lists, a registrant's data, certificates, the participation
report with organisations' names, the audit log) is a permission of its own
(``may_download_personal_data``): owners and editors have it by their role, a viewer only when an
owner gave it to them on the members page (``Membership.personal_data``).
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


def may_download_personal_data(user, project: Project) -> bool:
    """May ``user`` download the personal data of ``project``'s registrants?"""
    if not user.is_authenticated or not user.is_active or project is None:
        return False
    if user.is_superuser:
        return True
    membership = (
        Membership.objects.filter(user=user, project=project)
        .values_list("role", "personal_data").first()
    )
    if membership is None:
        return False
    role, personal_data = membership
    return allows(Role(role), Role.EDITOR) or personal_data


def require_personal_data(user, project: Project) -> None:
    """Refuse (403) a download of personal data to whoever may not."""
    if not may_download_personal_data(user, project):
        raise PermissionDenied


def may_manage_api_tokens(user, project: Project) -> bool:
    """May ``user`` list, create and revoke ``project``'s API tokens? Its owners only: a token
    acts on the whole project, personal data included when its scopes say so."""
    if project is None:
        return False
    return allows(role_in(user, project), Role.OWNER)


def api_tokens_project_for(user, slug: str) -> Project:
    """The project whose API tokens ``user`` manages: 404 to a stranger, 403 to a member who is
    not an owner."""
    project = Project.objects.filter(slug=slug).first()
    if project is None or role_in(user, project) is None:
        raise Http404
    if not may_manage_api_tokens(user, project):
        raise PermissionDenied
    return project


def may_create_project(user) -> bool:
    """May ``user`` create a new project (and so become its owner)?"""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or (user.is_staff and user.has_perm("projects.add_project"))


def require_project_creation(user) -> None:
    if not may_create_project(user):
        raise PermissionDenied


def allows(role: Role | None, needed: Role) -> bool:
    return role is not None and ROLE_RANK[role] >= ROLE_RANK[needed]


def may_see_embed_snippet(role: Role | None) -> bool:
    """The snippet that puts an event's form on a partner's site (and its live preview, which
    registers for real): for the people who set events up, editors and owners."""
    return allows(role, Role.EDITOR)


def require_embed_snippet(role: Role | None) -> None:
    if not may_see_embed_snippet(role):
        raise PermissionDenied


def visible_projects(user):
    """The projects an organiser may open in the console."""
    if not user.is_authenticated or not user.is_active:
        return Project.objects.none()
    if user.is_superuser:
        return Project.objects.all()
    return Project.objects.filter(memberships__user=user)


def editable_project_ids(user) -> set[int] | None:
    """The ids of the projects ``user`` may change (editor or owner), in one query; None means
    every project (a superuser)."""
    if not user.is_authenticated or not user.is_active:
        return set()
    if user.is_superuser:
        return None
    return set(Membership.objects.filter(
        user=user, role__in=[role for role in Role if allows(role, Role.EDITOR)],
    ).values_list("project_id", flat=True))


def project_for(user, slug: str, needed: Role = Role.VIEWER, *,
                personal_data: bool = False) -> tuple[Project, Role]:
    project = Project.objects.filter(slug=slug).first()
    role = role_in(user, project) if project else None
    if role is None:
        raise Http404
    if not allows(role, needed):
        raise PermissionDenied
    if personal_data:
        require_personal_data(user, project)
    return project, role


def event_for(user, event_id: int, needed: Role = Role.VIEWER, *,
              personal_data: bool = False) -> tuple[Event, Role]:
    """The event and the organiser's role in its project; with ``personal_data`` the page is a
    download of personal data, refused (403) to whoever may not download it."""
    event = Event.objects.select_related("project").filter(pk=event_id).first()
    role = role_in(user, event.project) if event else None
    if role is None:
        raise Http404
    if not allows(role, needed):
        raise PermissionDenied
    if personal_data:
        require_personal_data(user, event.project)
    return event, role


def may_manage_webhooks(user, project: Project) -> bool:
    """May ``user`` see and change ``project``'s webhooks? Owners only: a webhook sends the
    project's data (personal data too, when asked for) to another server, and its page shows
    the signing secret."""
    return allows(role_in(user, project), Role.OWNER)


def webhooks_project_for(user, slug: str) -> tuple[Project, Role]:
    """The project whose webhooks ``user`` manages (404 for non-members, 403 below owner)."""
    project, role = project_for(user, slug, Role.VIEWER)
    if not may_manage_webhooks(user, project):
        raise PermissionDenied
    return project, role


def webhook_endpoint_for(user, slug: str, endpoint_id: int):
    """An endpoint of a project whose webhooks ``user`` manages; 404 for another project's."""
    from aula.webhooks.models import WebhookEndpoint

    project, role = webhooks_project_for(user, slug)
    endpoint = WebhookEndpoint.objects.filter(project=project, pk=endpoint_id).first()
    if endpoint is None:
        raise Http404
    return project, role, endpoint
