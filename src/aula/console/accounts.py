"""Console pages: organiser accounts (password reset, two-factor login, project members)."""

from base64 import b32encode

from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from aula.console import accounts_queries, services
from aula.console.auth import (
    DONE,
    TWO_FACTOR_SESSION_KEY,
    exempt_from_two_factor_gate,
    mark_two_factor_done,
    two_factor_setup_view,
)
from aula.console.confirm import ask_first
from aula.console.forms import (
    AddMemberForm,
    InviteMemberForm,
    QueuedPasswordResetForm,
    RoleForm,
    SecondFactorForm,
    TokenForm,
    TwoFactorPolicyForm,
)
from aula.console.models import Membership, Role
from aula.console.permissions import project_for

# --- Lockout ---------------------------------------------------------------------------------


def locked_out(request, original_response=None, credentials=None):
    """django-axes' answer to a login while the user name is locked from this address, or the
    address itself after many failures (AXES_LOCKOUT_CALLABLE)."""
    cool_off = get_cool_off(request)
    return render(request, "console/accounts/locked.html", {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "address_locked": getattr(request, "aula_address_locked_out", False),
        "minutes": max(1, round(cool_off.total_seconds() / 60)) if cool_off else None,
    }, status=429)


# --- Password reset --------------------------------------------------------------------------

password_reset = auth_views.PasswordResetView.as_view(
    form_class=QueuedPasswordResetForm,
    template_name="registration/reset_form.html",
    success_url=reverse_lazy("console:password_reset_done"),
)
password_reset_done = auth_views.PasswordResetDoneView.as_view(
    template_name="registration/reset_done.html",
)
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="registration/reset_complete.html",
)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "registration/reset_confirm.html"
    success_url = reverse_lazy("console:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        services.password_was_reset(form.user)
        return response


password_reset_confirm = PasswordResetConfirmView.as_view()


# --- Two-factor login ------------------------------------------------------------------------


def _safe_next(request, default="console:home"):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(default)


def _wrong_code_message(throttled: bool):
    if throttled:
        return _("Too many wrong codes. Wait a moment, then enter the code your app shows.")
    return _("This code is not right. Enter the code your app shows now.")


@exempt_from_two_factor_gate
@never_cache
@login_required
def two_factor_login(request):
    """The second step of login: the code from the organiser's authenticator app."""
    if request.session.get(TWO_FACTOR_SESSION_KEY) == DONE:
        return redirect(_safe_next(request))
    if not services.has_two_factor(request.user):  # turned off meanwhile, in another session
        mark_two_factor_done(request)
        return redirect(_safe_next(request))
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # Asked before trying: a wrong code itself starts a (short) wait.
        throttled = services.totp_throttled(request.user)
        device = services.verify_second_factor(request.user, form.cleaned_data["token"])
        if device is not None:
            next_url = _safe_next(request)
            # A new session key now the login is complete.
            request.session.cycle_key()
            otp_login(request, device)
            mark_two_factor_done(request)
            return redirect(next_url)
        form.add_error("token", _wrong_code_message(throttled))
    return render(request, "console/accounts/two_factor_login.html", {
        "form": form, "next": request.POST.get("next") or request.GET.get("next", ""),
    })


@login_required
def account(request):
    two_factor = services.has_two_factor(request.user)
    return render(request, "console/accounts/account.html", {
        "two_factor": two_factor,
        "recovery_codes_left": services.recovery_codes_left(request.user) if two_factor else 0,
    })


def _show_recovery_codes(request, codes):
    return render(request, "console/accounts/recovery_codes.html", {"codes": codes})


@never_cache  # the page shows the codes
@login_required
@require_POST
def recovery_codes(request):
    """New recovery codes, shown once; the previous ones stop working."""
    try:
        codes = services.new_recovery_codes(request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("console:account")
    return _show_recovery_codes(request, codes)


@two_factor_setup_view
@never_cache  # the page shows the secret key
@login_required
def two_factor_setup(request):
    if services.has_two_factor(request.user):
        return redirect("console:account")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        throttled = services.totp_throttled(request.user)
        device = services.confirm_totp_device(request.user, form.cleaned_data["token"])
        if device is not None:
            # This session has just proved the code: it stays logged in without asking again.
            otp_login(request, device)
            mark_two_factor_done(request)
            messages.success(request, _("Two-factor login is on."))
            return _show_recovery_codes(request, services.new_recovery_codes(request.user))
        form.add_error("token", _wrong_code_message(throttled))
    device = services.pending_totp_device(request.user)
    import segno  # here, not at the top: only this page draws a QR code (memory)

    # segno draws the URI as squares and escapes the title: the SVG holds no raw user text.
    qr_svg = mark_safe(segno.make(device.config_url, error="m").svg_inline(  # noqa: S308
        scale=4, title=_("QR code for your authenticator app"),
    ))
    return render(request, "console/accounts/two_factor_setup.html", {
        "required": services.two_factor_required_for(request.user),
        "form": form, "qr_svg": qr_svg, "secret": b32encode(device.bin_key).decode(),
    })


@login_required
def two_factor_disable(request):
    if not services.has_two_factor(request.user):
        return redirect("console:account")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        throttled = services.totp_throttled(request.user)
        try:
            disabled = services.disable_two_factor(request.user, form.cleaned_data["token"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("console:account")
        if disabled:
            messages.success(request, _("Two-factor login is off."))
            return redirect("console:account")
        form.add_error("token", _wrong_code_message(throttled))
    return render(request, "console/accounts/two_factor_disable.html", {"form": form})


# --- Project members -------------------------------------------------------------------------


def _members_page(request, project, role, *, add_form=None, invite_form=None, status=200):
    return render(request, "console/accounts/members.html", {
        "project": project, "role": role,
        "members": accounts_queries.project_members(project),
        "roles": Role.choices,
        "add_form": add_form or AddMemberForm(),
        "invite_form": invite_form or InviteMemberForm(),
        "policy_form": TwoFactorPolicyForm(initial={
            "require_two_factor": services.requires_two_factor(project),
        }),
    }, status=status)


@login_required
@require_POST
def member_two_factor(request, project):
    """The owners' choice whether members must use two-factor login."""
    project, _role = project_for(request.user, project, Role.OWNER)
    form = TwoFactorPolicyForm(request.POST)
    form.is_valid()  # a checkbox: absent means off
    required = bool(form.cleaned_data.get("require_two_factor"))
    services.set_two_factor_required(project, required, actor=request.user)
    if required:
        messages.success(request, _(
            "Members must now use two-factor login; those without it set it up at their next "
            "page."
        ))
    else:
        messages.success(request, _("Two-factor login is now each member's choice."))
    return redirect("console:members", project=project.slug)


@login_required
def members(request, project):
    project, role = project_for(request.user, project, Role.OWNER)
    return _members_page(request, project, role)


@login_required
@require_POST
def member_add(request, project):
    project, role = project_for(request.user, project, Role.OWNER)
    form = AddMemberForm(request.POST)
    if form.is_valid():
        try:
            services.add_member(
                project, form.user, Role(form.cleaned_data["role"]), actor=request.user
            )
        except ValidationError as error:
            form.add_error("identifier", error)
        else:
            messages.success(request, _("%(name)s is now a member.") % {
                "name": form.user.get_username()
            })
            return redirect("console:members", project=project.slug)
    return _members_page(request, project, role, add_form=form, status=400)


@login_required
@require_POST
def member_invite(request, project):
    project, role = project_for(request.user, project, Role.OWNER)
    form = InviteMemberForm(request.POST)
    if form.is_valid():
        try:
            services.invite_member(
                project, email=form.cleaned_data["email"], role=Role(form.cleaned_data["role"]),
                actor=request.user,
            )
        except ValidationError as error:
            form.add_error("email", error)
        else:
            messages.success(request, _("Invitation sent to %(email)s.") % {
                "email": form.cleaned_data["email"]
            })
            return redirect("console:members", project=project.slug)
    return _members_page(request, project, role, invite_form=form, status=400)


@login_required
@require_POST
def member_role(request, project, member_id):
    project, _role = project_for(request.user, project, Role.OWNER)
    membership = get_object_or_404(Membership, pk=member_id, project=project)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a role."))
    else:
        try:
            services.change_role(
                membership, Role(form.cleaned_data["role"]), actor=request.user
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Role changed."))
    return redirect("console:members", project=project.slug)


@login_required
@require_POST
def member_personal_data(request, project, member_id):
    """An owner lets a viewer download personal data, or no longer."""
    project, _role = project_for(request.user, project, Role.OWNER)
    membership = get_object_or_404(Membership, pk=member_id, project=project)
    allowed = request.POST.get("allowed") == "1"
    try:
        services.allow_personal_data(membership, allowed, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Permission to download personal data changed."))
    return redirect("console:members", project=project.slug)


@login_required
@require_POST
def member_remove(request, project, member_id):
    project, _role = project_for(request.user, project, Role.OWNER)
    membership = get_object_or_404(Membership, pk=member_id, project=project)
    asked = ask_first(
        request, what=_("%(name)s from the project's members") % {
            "name": membership.user.get_username()},
        consequences=[_("They can no longer open the project in the console.")],
        back=reverse("console:members", kwargs={"project": project.slug}),
    )
    if asked:
        return asked
    try:
        services.remove_member(membership, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("console:members", project=project.slug)
    messages.success(request, _("%(name)s is no longer a member.") % {
        "name": membership.user.get_username()
    })
    if membership.user_id == request.user.pk and not request.user.is_superuser:
        return redirect("console:home")  # removed themselves: the project is gone for them
    return redirect("console:members", project=project.slug)
