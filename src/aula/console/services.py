"""Writes for organiser accounts: project members, invitations, two-factor devices, the
password-reset and invitation e-mails (through the outbox).

Each action takes the acting organiser as ``actor`` and writes its audit entry in its own
transaction: membership changes are on the project's record; two-factor and password-reset
entries belong to no project (the admin shows them). An entry names the organiser account by its
user name (the console shows who became a member), never by its e-mail address in the details.
"""

from axes.utils import reset as reset_lockout
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from aula.audit import services as audit
from aula.console.models import LoginPolicy, Membership, OrganiserLanguage, Role
from aula.core.errors import ActionRefused
from aula.messaging import services as messaging
from aula.messaging.models import OutboxMessage
from aula.messaging.services import queue_templated_email
from aula.projects import services as projects
from aula.projects.models import Project

TOTP_DEVICE_NAME = "Authenticator app"

MEMBER_ADDED = audit.action("member.added", _("Added a member to the project"))
MEMBER_INVITED = audit.action("member.invited", _("Invited a new organiser to the project"))
MEMBER_ROLE_CHANGED = audit.action("member.role_changed", _("Changed a member's role"))
MEMBER_REMOVED = audit.action("member.removed", _("Removed a member from the project"))
MEMBER_PERSONAL_DATA = audit.action(
    "member.personal_data", _("Changed whether a viewer may download personal data")
)
TWO_FACTOR_ON = audit.action("account.two_factor_on", _("Turned two-factor login on"))
TWO_FACTOR_OFF = audit.action("account.two_factor_off", _("Turned two-factor login off"))
RECOVERY_CODES_MADE = audit.action(
    "account.recovery_codes", _("Made new recovery codes for two-factor login")
)
TWO_FACTOR_REQUIRED = audit.action(
    "project.two_factor_required", _("Changed whether members must use two-factor login")
)
RECOVERY_CODE_COUNT = 10
RECOVERY_DEVICE_NAME = "Recovery codes"
PASSWORD_RESET_REQUESTED = audit.action(
    "account.password_reset_requested",
    _("A password reset was requested (a link was e-mailed to the account's address)"),
)

# Declared here, not in messaging: messaging imports no other app (not even audit), so the
# recorded action lives in the layer above both.
EMAILS_REQUEUED = audit.action("outbox.requeued", _("Queued failed e-mails to be tried again"))


# --- Members ---------------------------------------------------------------------------------


def _lock_project(project: Project) -> None:
    # Every change to a project's owners runs under this lock, so two owners demoting each
    # other at the same moment cannot leave the project without one.
    Project.objects.select_for_update().filter(pk=project.pk).first()


def _other_owners(project: Project, membership: Membership) -> bool:
    return (
        Membership.objects.filter(project=project, role=Role.OWNER)
        .exclude(pk=membership.pk)
        .exists()
    )


def _member_label(membership: Membership) -> str:
    return membership.user.get_username()


def add_member(project: Project, user, role: Role, *, actor) -> Membership:
    with transaction.atomic():
        _lock_project(project)
        if Membership.objects.filter(project=project, user=user).exists():
            raise ValidationError(_("This organiser is already a member of the project."))
        membership = Membership.objects.create(project=project, user=user, role=role)
        audit.record(actor, MEMBER_ADDED, membership, project=project,
                     label=_member_label(membership),
                     changes={"role": [None, Role(role).value]})
        return membership


def create_project(project: Project, *, actor) -> Project:
    """A new project (``projects.services.create_project``) with ``actor`` as its first owner,
    both on the record, in one transaction: a project never exists without an owner."""
    with transaction.atomic():
        projects.create_project(project, actor=actor, via="console")
        membership = Membership.objects.create(project=project, user=actor, role=Role.OWNER)
        audit.record(actor, MEMBER_ADDED, membership, project=project,
                     label=_member_label(membership),
                     changes={"role": [None, Role.OWNER.value]})
    return project


def invite_member(project: Project, *, email: str, role: Role, actor) -> Membership:
    """A new organiser account (no password yet) for ``email``, made a member, and an e-mail
    with a link to choose a password. ``actor`` is the inviting owner."""
    user_model = get_user_model()
    email = user_model.objects.normalize_email(email).strip()
    with transaction.atomic():
        _lock_project(project)
        if user_model.objects.filter(email__iexact=email).exists() or (
            user_model.objects.filter(username__iexact=email).exists()
        ):
            raise ValidationError(
                _("An organiser with this e-mail address exists already: add them instead.")
            )
        user = user_model(username=email, email=email)
        user.set_unusable_password()
        user.save()
        membership = Membership.objects.create(project=project, user=user, role=role)
        queue_templated_email(
            template="console/accounts/email/invitation",
            context={
                "project_name": project.name,
                "role": Role(role).label,
                "inviter": actor.get_full_name() or actor.get_username(),
                "username": user.get_username(),
                "link": set_password_link(user),
                "valid_days": settings.PASSWORD_RESET_TIMEOUT // 86400,
            },
            to=email, language=get_language() or settings.LANGUAGE_CODE, kind="invitation",
        )
        audit.record(actor, MEMBER_INVITED, membership, project=project,
                     label=_member_label(membership),
                     changes={"role": [None, Role(role).value]})
    return membership


def change_role(membership: Membership, role: Role, *, actor) -> Membership:
    with transaction.atomic():
        _lock_project(membership.project)
        membership = Membership.objects.select_related("project", "user").get(pk=membership.pk)
        if (
            membership.role == Role.OWNER and role != Role.OWNER
            and not _other_owners(membership.project, membership)
        ):
            raise ValidationError(_("The project needs at least one owner."))
        before = membership.role
        if before == role:
            return membership  # nothing changed: nothing to record
        membership.role = role
        membership.save(update_fields=["role"])
        audit.record(actor, MEMBER_ROLE_CHANGED, membership, project=membership.project,
                     label=_member_label(membership),
                     changes=audit.changes_between({"role": before}, {"role": Role(role).value}))
    return membership


def allow_personal_data(membership: Membership, allowed: bool, *, actor) -> Membership:
    """Let a viewer download personal data (registrant lists, certificates, reports with
    organisations' names) or no longer. Owners and editors may by their role: refused for them.
    """
    with transaction.atomic():
        membership = (
            Membership.objects.select_for_update().select_related("project", "user")
            .get(pk=membership.pk)
        )
        if membership.role != Role.VIEWER:
            raise ValidationError(
                _("Owners and editors download personal data by their role already.")
            )
        before = membership.personal_data
        if before == allowed:
            return membership  # nothing changed: nothing to record
        membership.personal_data = allowed
        membership.save(update_fields=["personal_data"])
        audit.record(actor, MEMBER_PERSONAL_DATA, membership, project=membership.project,
                     label=_member_label(membership),
                     changes={"personal_data": [before, allowed]})
    return membership


def remove_member(membership: Membership, *, actor) -> None:
    with transaction.atomic():
        _lock_project(membership.project)
        membership = Membership.objects.select_related("project", "user").get(pk=membership.pk)
        if membership.role == Role.OWNER and not _other_owners(membership.project, membership):
            raise ValidationError(_("The project needs at least one owner."))
        audit.record(actor, MEMBER_REMOVED, membership, project=membership.project,
                     label=_member_label(membership),
                     changes={"role": [membership.role, None]})
        membership.delete()


# --- Passwords -------------------------------------------------------------------------------


def set_password_link(user) -> str:
    """The absolute link to choose a new password, in the current language. Built from the
    configured base URL, never from the request's Host header."""
    path = reverse("console:password_reset_confirm", kwargs={
        "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
    })
    return settings.AULA_BASE_URL.rstrip("/") + path


def queue_password_reset(user) -> None:
    """The e-mail with a link to choose a new password. Asked for by whoever typed the address
    (no one logged in): the entry has no actor and no address, only the account's id."""
    with transaction.atomic():
        queue_templated_email(
            template="console/accounts/email/password_reset",
            context={
                "username": user.get_username(),
                "link": set_password_link(user),
                "valid_days": settings.PASSWORD_RESET_TIMEOUT // 86400,
            },
            to=user.email, language=get_language() or settings.LANGUAGE_CODE,
            kind="password_reset",
        )
        audit.record(None, PASSWORD_RESET_REQUESTED, user, label="")


def password_was_reset(user) -> None:
    # Whoever completed a reset controls the organiser's mailbox: lift a lockout.
    reset_lockout(username=user.get_username())


# --- Two-factor login ------------------------------------------------------------------------


def has_two_factor(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def pending_totp_device(user) -> TOTPDevice:
    """The unconfirmed device whose key the set-up page shows (the same one on reload)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").last()
    return device or TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)


def _verify(user, token: str, *, confirmed: bool) -> TOTPDevice | None:
    # Locked, so two requests cannot both use one code (the device remembers the last one).
    with transaction.atomic():
        for device in TOTPDevice.objects.select_for_update().filter(
            user=user, confirmed=confirmed
        ).order_by("-pk"):
            if device.verify_token(token):
                return device
    return None


def confirm_totp_device(user, token: str) -> TOTPDevice | None:
    """Turn two-factor login on once the organiser's app produced a valid code (the organiser
    acts on their own account)."""
    with transaction.atomic():
        device = _verify(user, token, confirmed=False)
        if device is None:
            return None
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        audit.record(user, TWO_FACTOR_ON, user, label="")
    return device


def new_recovery_codes(user) -> list[str]:
    """Ten one-time codes usable instead of the app's code; the previous ones stop working.
    Only the organiser sees them, once (the caller shows them)."""
    with transaction.atomic():
        if not has_two_factor(user):
            raise ValidationError(_("Turn two-factor login on first."))
        StaticDevice.objects.filter(user=user).delete()
        device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
        codes = [StaticToken.random_token() for _i in range(RECOVERY_CODE_COUNT)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
        audit.record(user, RECOVERY_CODES_MADE, user, label="")
    return codes


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def verify_recovery_code(user, code: str) -> StaticDevice | None:
    """Uses up one recovery code (each works once)."""
    code = code.strip().lower()
    with transaction.atomic():
        for device in StaticDevice.objects.select_for_update().filter(user=user, confirmed=True):
            if device.verify_token(code):
                return device
    return None


def verify_second_factor(user, token: str):
    """The login's second step: a code from the app, else one of the recovery codes."""
    return verify_totp(user, token) or verify_recovery_code(user, token)


def verify_totp(user, token: str) -> TOTPDevice | None:
    return _verify(user, token, confirmed=True)


def totp_throttled(user) -> bool:
    """After wrong codes django-otp refuses even a right one for a while (doubling each time)."""
    devices = [*TOTPDevice.objects.filter(user=user), *StaticDevice.objects.filter(user=user)]
    return any(not device.verify_is_allowed()[0] for device in devices)


def disable_two_factor(user, token: str) -> bool:
    """Turn two-factor login off; a current code is needed, so a session left open is not
    enough. Refused while a project of the organiser requires two-factor login."""
    if two_factor_required_for(user):
        raise ValidationError(
            _("A project you belong to requires two-factor login: it cannot be turned off.")
        )
    with transaction.atomic():
        if verify_totp(user, token) is None:
            return False
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        audit.record(user, TWO_FACTOR_OFF, user, label="")
    return True


# --- Project login policy --------------------------------------------------------------------


def requires_two_factor(project: Project) -> bool:
    return LoginPolicy.objects.filter(project=project, require_two_factor=True).exists()


def two_factor_required_for(user) -> bool:
    """Whether a project of the organiser's requires two-factor login."""
    return LoginPolicy.objects.filter(
        require_two_factor=True, project__memberships__user=user
    ).exists()


def set_two_factor_required(project: Project, required: bool, *, actor) -> LoginPolicy:
    """An owner's choice: the project's members must use two-factor login. Members without it
    are sent to set it up before any console page."""
    with transaction.atomic():
        policy, _created = LoginPolicy.objects.select_for_update().get_or_create(project=project)
        before = policy.require_two_factor
        if before == required:
            return policy
        policy.require_two_factor = required
        policy.save(update_fields=["require_two_factor"])
        audit.record(actor, TWO_FACTOR_REQUIRED, project, project=project,
                     changes={"require_two_factor": [before, required]})
    return policy


# --- Notices to the organiser ----------------------------------------------------------------


def remember_language(user, language: str | None) -> None:
    """Keep the language the organiser logs in with (one of Aula's), for the e-mails sent to
    them later outside their own requests."""
    if language not in dict(settings.LANGUAGES):
        return
    OrganiserLanguage.objects.update_or_create(user=user, defaults={"language": language})


def language_of(user) -> str:
    """The language of the organiser's last login, or the site's."""
    found = OrganiserLanguage.objects.filter(user=user).values_list("language", flat=True)
    return next(iter(found), None) or settings.LANGUAGE_CODE


def notify_lockout(user, *, minutes: int | None) -> None:
    """Tells the organiser that logins to their account were locked after wrong passwords."""
    if not user.email:
        return
    with transaction.atomic():
        queue_templated_email(
            template="console/accounts/email/locked_out",
            context={
                "username": user.get_username(), "minutes": minutes,
                "reset_link": settings.AULA_BASE_URL.rstrip("/")
                + reverse("console:password_reset"),
            },
            to=user.email, language=language_of(user), kind="lockout",
        )


# --- The outbox (the admin's action) ---------------------------------------------------------


def requeue_failed_emails(message_ids, *, actor) -> int:
    """Give the chosen failed e-mails a fresh set of attempts (after the mail server was fixed),
    on the record; refused, storing nothing, when none of them had failed."""
    with transaction.atomic():
        failed = list(
            OutboxMessage.objects.select_for_update()
            .filter(pk__in=list(message_ids), status=OutboxMessage.Status.FAILED)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if not failed:
            raise ActionRefused(
                _("None of the chosen e-mails had failed: only failed e-mails can be tried "
                  "again.")
            )
        count = messaging.requeue(failed)
        audit.record(
            actor, EMAILS_REQUEUED, label="",
            changes={"status": [OutboxMessage.Status.FAILED, OutboxMessage.Status.QUEUED]},
            data={"messages": failed, "count": count},
        )
    return count
