"""Login safeguards: the lockout after repeated failures (django-axes) and the second step of
two-factor login (django-otp).

Login itself is Django's ``LoginView``. After the password, an organiser who enabled a TOTP
device is logged in but "pending": ``TwoFactorGateMiddleware`` lets such a session open only the
code page (and log out) until the code is entered. A member of a project that requires
two-factor login, without a device, may open only the set-up page. A session left idle for
``AULA_CONSOLE_IDLE_MINUTES`` is logged out.

The lockout is per (user name, client address), so nobody can lock an organiser out from
elsewhere; many failures from one address lock that address (password spraying). The organiser
is told by e-mail, once per lockout.
"""

import time
from datetime import timedelta
from urllib.parse import urlencode

from axes.backends import AxesStandaloneBackend
from axes.exceptions import AxesBackendPermissionDenied
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import LogoutView
from django.core.cache import cache
from django.db.models import Sum
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django_otp import user_has_device

from aula.registrations.ratelimit import client_address

TWO_FACTOR_SESSION_KEY = "aula_two_factor"
LAST_SEEN_SESSION_KEY = "aula_last_seen"
# NONE: no device; checked on each request whether a project now requires one.
PENDING, DONE, NONE = "pending", "done", "none"


def _cool_off() -> timedelta:
    return settings.AXES_COOLOFF_TIME


def address_failures(address: str) -> int:
    """Failed logins from one address in the cool-off time, whatever the user names."""
    since = timezone.now() - _cool_off()
    return AccessAttempt.objects.filter(
        ip_address=address, attempt_time__gte=since
    ).aggregate(total=Sum("failures_since_start"))["total"] or 0


class LockoutBackend(AxesStandaloneBackend):
    """Refuses a login while its (user name, address) pair or its address is locked out;
    authenticates nobody itself."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            # Only Django's test client logs in without a request: every login form passes one.
            return None
        limit = getattr(settings, "AULA_LOGIN_ADDRESS_FAILURE_LIMIT", 30)
        if (
            getattr(settings, "AXES_ENABLED", True) and limit
            and address_failures(client_address(request)) >= limit
        ):
            request.axes_locked_out = True
            request.aula_address_locked_out = True
            raise AxesBackendPermissionDenied("Too many failed logins from this address")
        return super().authenticate(request, username=username, password=password, **kwargs)


def _on_locked_out(sender, request=None, username=None, **kwargs):
    # axes signals again on each refused attempt: one e-mail per user name and cool-off time.
    if not username or getattr(request, "aula_address_locked_out", False):
        return
    user = get_user_model()._default_manager.filter(
        **{get_user_model().USERNAME_FIELD: username}, is_active=True
    ).first()
    if user is None or not user.email:
        return
    cool_off = _cool_off()
    if not cache.add(f"aula:lockout-notice:{user.pk}", 1, int(cool_off.total_seconds())):
        return
    from aula.console import services  # services imports models: not at import time

    services.notify_lockout(user, minutes=max(1, round(cool_off.total_seconds() / 60)))


user_locked_out.connect(_on_locked_out, dispatch_uid="aula_lockout_notice")


def _state_for(user) -> str:
    return PENDING if user_has_device(user) else NONE


def _on_login(sender, request, user, **kwargs):
    # Decided once at login, so the gate costs no query per request. This module is imported
    # before any login can happen (it holds an authentication backend and a middleware).
    if request is not None and hasattr(request, "session"):
        request.session[TWO_FACTOR_SESSION_KEY] = _state_for(user)
        request.session[LAST_SEEN_SESSION_KEY] = time.time()
    match = getattr(request, "resolver_match", None)
    if match is not None and match.namespace == "console":  # the admin's login says nothing
        from aula.console import services  # services imports models: not at import time

        services.remember_language(user, get_language())


user_logged_in.connect(_on_login, dispatch_uid="aula_two_factor_on_login")


def mark_two_factor_done(request) -> None:
    request.session[TWO_FACTOR_SESSION_KEY] = DONE


def two_factor_setup_view(view):
    """The page a member sets two-factor login up on when their project requires it."""
    view.two_factor_setup = True
    return view


def exempt_from_two_factor_gate(view):
    view.two_factor_exempt = True
    return view


class TwoFactorGateMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if self._idle_too_long(request):
            next_path = request.get_full_path()
            logout(request)
            messages.info(request, _("You were logged out after a while without activity. "
                                     "Log in again to go on."))
            url = reverse(settings.LOGIN_URL)
            return redirect(f"{url}?{urlencode({'next': next_path})}")
        state = request.session.get(TWO_FACTOR_SESSION_KEY)
        if state is None:
            # A session from a login this module did not see: decide now (fail closed).
            state = _state_for(user)
            request.session[TWO_FACTOR_SESSION_KEY] = state
        if state == DONE:
            return None
        if state == NONE:
            from aula.console import services  # services imports models: not at import time

            if not services.two_factor_required_for(user):
                return None
        if getattr(view_func, "two_factor_exempt", False):
            return None
        if getattr(view_func, "view_class", None) is LogoutView:
            return None
        if state == NONE:
            if getattr(view_func, "two_factor_setup", False):
                return None
            return redirect("console:two_factor_setup")
        url = reverse("console:two_factor_login")
        return redirect(f"{url}?{urlencode({'next': request.get_full_path()})}")

    @staticmethod
    def _idle_too_long(request) -> bool:
        minutes = getattr(settings, "AULA_CONSOLE_IDLE_MINUTES", 0)
        now = time.time()
        last_seen = request.session.get(LAST_SEEN_SESSION_KEY)
        if last_seen is None or now - last_seen >= 60:
            # Stamped at most once a minute: not a session write on every request.
            request.session[LAST_SEEN_SESSION_KEY] = now
        return bool(minutes and last_seen and now - last_seen > minutes * 60)
