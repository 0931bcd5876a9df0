"""Operations on the installation itself."""

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

ORGANISER_USERNAME = "organiser"


@dataclass(frozen=True)
class Login:
    username: str
    password: str


@transaction.atomic
def ensure_organiser() -> Login:
    """The demo's organiser account, with a random password kept in var/ (never in the repo).

    Created on first start; later starts print the same login. If someone changed the
    password in the admin, the file no longer matches and we say so instead of resetting it.
    """
    path = settings.VAR_DIR / "organiser-password"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(12))
        path.chmod(0o600)
    password = path.read_text().strip()
    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(
        username=ORGANISER_USERNAME,
        defaults={"is_staff": True, "is_superuser": True, "email": "organiser@localhost"},
    )
    if created:
        user.set_password(password)
        user.save(update_fields=["password"])
    elif not user.check_password(password):
        password = "(changed since first start; not shown)"
    return Login(ORGANISER_USERNAME, password)
