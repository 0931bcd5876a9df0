"""Reads for the console's account pages."""

from aula.console.models import Membership


def project_members(project):
    return list(
        Membership.objects.filter(project=project).select_related("user")
        .order_by("user__username")
    )
