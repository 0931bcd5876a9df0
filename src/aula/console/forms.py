"""Forms of the console's account pages (other console areas keep their own form modules)."""

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aula.console import services
from aula.console.models import Role


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's reset form, but the e-mail goes through the outbox."""

    def get_users(self, email):
        users = get_user_model()._default_manager.filter(email__iexact=email, is_active=True)
        # Invited organisers who never chose a password may ask for a new link too (Django
        # skips accounts without a usable password: those belong to other login methods).
        return (
            user for user in users
            if user.email and (user.has_usable_password() or user.last_login is None)
        )

    def save(self, *args, **kwargs):
        for user in self.get_users(self.cleaned_data["email"]):
            services.queue_password_reset(user)


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Code from your authenticator app"), max_length=8,
        widget=forms.TextInput(attrs={
            "autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9]*",
            "autofocus": True,
        }),
    )

    def clean_token(self):
        return "".join(self.cleaned_data["token"].split())


class SecondFactorForm(TokenForm):
    """The login's second step: the app's code or one of the recovery codes."""

    token = forms.CharField(
        label=_("Code from your authenticator app, or a recovery code"), max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
    )


class TwoFactorPolicyForm(forms.Form):
    require_two_factor = forms.BooleanField(
        label=_("Members must use two-factor login"), required=False,
    )


class AddMemberForm(forms.Form):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "add-%s")  # two forms on one page: distinct ids
        super().__init__(*args, **kwargs)

    identifier = forms.CharField(label=_("User name or e-mail address"), max_length=254)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.EDITOR)

    def clean_identifier(self):
        value = self.cleaned_data["identifier"].strip()
        users = list(
            get_user_model().objects.filter(
                Q(username=value) | Q(email__iexact=value), is_active=True
            )[:3]
        )
        exact = [user for user in users if user.get_username() == value]
        if exact:
            users = exact
        if not users:
            raise forms.ValidationError(
                _("No organiser has this user name or e-mail address. Invite them instead.")
            )
        if len(users) > 1:
            raise forms.ValidationError(
                _("Several organisers use this e-mail address: give the user name.")
            )
        self.user = users[0]
        return value


class InviteMemberForm(forms.Form):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "invite-%s")
        super().__init__(*args, **kwargs)

    email = forms.EmailField(label=_("E-mail address"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.EDITOR)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
