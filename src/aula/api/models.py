"""A project's API token: who may call the REST API for one project, with which scopes.

The token string ``aula_<prefix>_<secret>`` is shown once, when the token is made
(``api.services.create_token``); only the prefix (to find the row and to show in the console)
and the SHA-256 of the secret are stored, and the secret is compared in constant time
(``api.auth``). A token acts only on its own project; what it may do are its scopes.
"""

import hashlib
import hmac

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aula.projects.models import Project

READ = "read"
WRITE = "write"
PERSONAL = "personal"
SCOPES = {
    READ: _("read: events, registrations (without names), attendance, feedback, reports"),
    WRITE: _("write: register, cancel, move registrants"),
    PERSONAL: _("personal data: see and send names and e-mail addresses"),
}
TOKEN_START = "aula"


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiToken(models.Model):
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("project")
    )
    name = models.CharField(_("name"), max_length=100)
    # Shown in the console and sent in every token string; the row is found by it.
    prefix = models.CharField(_("prefix"), max_length=16, unique=True)
    secret_hash = models.CharField(_("hash of the secret"), max_length=64)
    scopes = models.JSONField(_("scopes"), default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix})"

    @property
    def via(self) -> str:
        """What the audit log records as the channel of this token's actions."""
        return via(self)

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes

    def matches(self, secret: str) -> bool:
        return hmac.compare_digest(hash_secret(secret), self.secret_hash)

    def is_active(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


VIA_PREFIX = "api-token:"


def via(token: ApiToken) -> str:
    """``api-token:<id>``: the ``via`` of the audit entries of the token's actions."""
    return f"{VIA_PREFIX}{token.pk}"


def token_id_of_via(value: str) -> int | None:
    if not value.startswith(VIA_PREFIX):
        return None
    rest = value[len(VIA_PREFIX):]
    return int(rest) if rest.isdigit() else None
