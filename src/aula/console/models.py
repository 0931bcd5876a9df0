"""Who may do what in the console: a role per organiser and project."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from aula.projects.models import Project


class Role(models.TextChoices):
    VIEWER = "viewer", _("Viewer (read only, reports)")
    EDITOR = "editor", _("Editor (events, registrants, messages)")
    OWNER = "owner", _("Owner (everything, manages members)")


# Each role can do everything the roles before it can.
ROLE_RANK = {Role.VIEWER: 1, Role.EDITOR: 2, Role.OWNER: 3}


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships",
        verbose_name=_("organiser"),
    )
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("project")
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.VIEWER)
    # Owners and editors download personal data (registrant lists, certificates, reports with
    # organisations' names, the audit log) by their role; a viewer only when an owner allows it.
    personal_data = models.BooleanField(
        _("may download personal data"), default=False,
        help_text=_("Viewers only: owners and editors always may."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("project member")
        verbose_name_plural = _("project members")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "project"], name="one_membership_per_user_and_project",
                violation_error_message=_("This organiser is already a member of the project."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.project.name}: {self.get_role_display()}"


class LoginPolicy(models.Model):
    """How a project's members must log in (set by its owners)."""

    project = models.OneToOneField(
        Project, on_delete=models.CASCADE, primary_key=True, related_name="login_policy",
        verbose_name=_("project"),
    )
    require_two_factor = models.BooleanField(
        _("members must use two-factor login"), default=False,
    )

    class Meta:
        verbose_name = _("login policy")
        verbose_name_plural = _("login policies")

    def __str__(self) -> str:
        return self.project.name


class OrganiserLanguage(models.Model):
    """The language an organiser last logged in to the console in: e-mails sent to them
    outside any request of theirs (the lockout notice) are written in it."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True,
        related_name="console_language", verbose_name=_("organiser"),
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)

    class Meta:
        verbose_name = _("organiser's language")
        verbose_name_plural = _("organisers' languages")

    def __str__(self) -> str:
        return f"{self.user}: {self.language}"
