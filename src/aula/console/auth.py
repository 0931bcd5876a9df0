"""Login safeguards: the lockout after repeated failures (django-axes) and the second step of
two-factor login (django-otp).

Login itself is Django's ``LoginView``. After the password, an organiser who enabled a TOTP
device is logged in but "pending": ``TwoFactorGateMiddleware`` lets such a session open only the
code page (and log out) until the code is entered.
"""

from urllib.parse import urlencode

from axes.backends import AxesStandaloneBackend
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import LogoutView
from django.shortcuts import redirect
from django.urls import reverse
from django_otp import user_has_device

TWO_FACTOR_SESSION_KEY = "aula_two_factor"
PENDING, DONE = "pending", "done"


class LockoutBackend(AxesStandaloneBackend):
    """Refuses a login while its user name is locked out; authenticates nobody itself."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            # Only Django's test client logs in without a request: every login form passes one.
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def _on_login(sender, request, user, **kwargs):
    # Decided once at login, so the gate costs no query per request. This module is imported
    # before any login can happen (it holds an authentication backend and a middleware).
    if request is not None and hasattr(request, "session"):
        request.session[TWO_FACTOR_SESSION_KEY] = PENDING if user_has_device(user) else DONE


user_logged_in.connect(_on_login, dispatch_uid="aula_two_factor_on_login")


def mark_two_factor_done(request) -> None:
    request.session[TWO_FACTOR_SESSION_KEY] = DONE


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
        state = request.session.get(TWO_FACTOR_SESSION_KEY)
        if state is None:
            # A session from a login this module did not see: decide now (fail closed).
            state = PENDING if user_has_device(user) else DONE
            request.session[TWO_FACTOR_SESSION_KEY] = state
        if state == DONE:
            return None
        if getattr(view_func, "two_factor_exempt", False):
            return None
        if getattr(view_func, "view_class", None) is LogoutView:
            return None
        url = reverse("console:two_factor_login")
        return redirect(f"{url}?{urlencode({'next': request.get_full_path()})}")
