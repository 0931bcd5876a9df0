"""Making and revoking a project's API tokens: owners' actions, each on the record.

``create_token`` returns the token string once (``aula_<prefix>_<secret>``); only the prefix and
the SHA-256 of the secret are kept. Who may call these is decided in the console
(``console.permissions.may_manage_api_tokens``: the project's owners).
"""

import secrets
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aula.api.models import SCOPES, TOKEN_START, ApiToken, hash_secret
from aula.audit import services as audit
from aula.core.errors import ActionRefused
from aula.projects.models import Project

TOKEN_CREATED = audit.action("api.token_created", gettext_lazy("Created an API token"))
TOKEN_REVOKED = audit.action("api.token_revoked", gettext_lazy("Revoked an API token"))

NAME_MAX = 100


def _clean_scopes(scopes) -> list[str]:
    chosen = sorted(set(scopes))
    unknown = [scope for scope in chosen if scope not in SCOPES]
    if unknown:
        raise ActionRefused(_("Unknown scope: %(scopes)s.") % {"scopes": ", ".join(unknown)})
    if not chosen:
        raise ActionRefused(_("Choose at least one scope."))
    return chosen


def create_token(actor, project: Project, name: str, scopes, expires_at: datetime | None = None,
                 *, via: str = "") -> tuple[ApiToken, str]:
    """A new token of ``project``: (the token, its full string — shown once, never stored)."""
    name = " ".join((name or "").split())
    if not name:
        raise ActionRefused(_("Give the token a name (what it is for)."))
    if len(name) > NAME_MAX:
        raise ActionRefused(_("The name is too long (at most %(max)d characters).")
                            % {"max": NAME_MAX})
    chosen = _clean_scopes(scopes)
    if expires_at is not None:
        if timezone.is_naive(expires_at):
            raise ActionRefused(_("The expiry needs a time zone."))
        if expires_at <= timezone.now():
            raise ActionRefused(_("The expiry must be in the future."))
    secret = secrets.token_urlsafe(32)
    for _attempt in range(5):
        prefix = secrets.token_hex(4)
        try:
            with transaction.atomic():
                token = ApiToken.objects.create(
                    project=project, name=name, prefix=prefix, secret_hash=hash_secret(secret),
                    scopes=chosen, created_by=actor if getattr(actor, "pk", None) else None,
                    expires_at=expires_at,
                )
                audit.record(actor, TOKEN_CREATED, token, project=project, via=via,
                             data={"prefix": prefix, "scopes": chosen,
                                   "expires_at": expires_at})
        except IntegrityError:  # the prefix was taken (1 in 4 billion): another one
            continue
        return token, f"{TOKEN_START}_{prefix}_{secret}"
    raise ActionRefused(_("No token could be made; please try again."))


def revoke_token(actor, token: ApiToken, *, via: str = "") -> ApiToken:
    """The token stops working at once; revoked tokens stay listed (and in the log)."""
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().get(pk=token.pk)
        if token.revoked_at is not None:
            raise ActionRefused(_("This token was already revoked."))
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(actor, TOKEN_REVOKED, token, project=token.project_id, via=via,
                     data={"prefix": token.prefix})
    return token
