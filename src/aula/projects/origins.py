"""The partner websites allowed to embed a project's registration forms (``Project.embed_origins``).

An origin is what a browser compares for CSP ``frame-ancestors``: a scheme, a host and a port,
nothing else ("https://www.example.org", "https://example.org:8443"). A leftmost ``*.`` label
("https://*.example.org") allows every subdomain, as CSP does; never a bare "*" or a wildcard
over a whole top-level domain. Only https: a form that takes personal data is not embedded in
a page anyone on the network can change — except where ``AULA_EMBED_ALLOW_HTTP`` is true
(development and the browser tests, which serve the host page over plain http).

``normalise`` turns what an owner typed into the stored form (lower case, no trailing slash,
no default port) or raises ``ValidationError`` with a message that says what is wrong; the
model's validator (``validate_origins``) accepts only stored forms, so nothing else reaches the
``Content-Security-Policy`` header.
"""

import re
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_ORIGINS = 20
_LABEL = r"(?!-)[a-z0-9-]{1,63}(?<!-)"
_HOST = re.compile(rf"^(\*\.)?{_LABEL}(\.{_LABEL})*$")
# The form stored and sent in the header: nothing but these characters, so no header injection.
_STORED = re.compile(rf"^https?://(\*\.)?{_LABEL}(\.{_LABEL})*(:[0-9]{{1,5}})?$")
_DEFAULT_PORTS = {"https": 443, "http": 80}


def http_allowed() -> bool:
    return bool(getattr(settings, "AULA_EMBED_ALLOW_HTTP", False))


def normalise(value: str) -> str:
    """One origin as an owner typed it → its stored form; ``ValidationError`` when it is not
    one."""
    text = (value or "").strip()
    example = {"value": text}
    if text.startswith("*"):
        raise ValidationError(
            _("“%(value)s”: write the scheme too, e.g. https://*.example.org."), params=example
        )
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        raise ValidationError(_("“%(value)s” has a port that is not a number from 1 to 65535."),
                              params=example) from None
    scheme = parts.scheme.lower()
    if scheme not in ("https", "http") or not parts.netloc:
        raise ValidationError(
            _("“%(value)s” is not a web address: write it as https://example.org."),
            params=example,
        )
    if scheme == "http" and not http_allowed():
        raise ValidationError(
            _("“%(value)s”: only https:// sites may embed the form (it takes personal data)."),
            params=example,
        )
    if parts.username or parts.password or "@" in parts.netloc:
        raise ValidationError(_("“%(value)s”: no user name or password in an origin."),
                              params=example)
    if parts.path not in ("", "/") or parts.query or parts.fragment or text.endswith(("?", "#")):
        raise ValidationError(
            _("“%(value)s”: only the site, without a path: e.g. https://example.org, not "
              "https://example.org/events/."),
            params=example,
        )
    host = (parts.hostname or "").rstrip(".")
    try:
        host = host.encode("idna").decode("ascii").lower() if host else ""
    except UnicodeError:
        host = "?"
    if "*" in host:
        labels = host.split(".")
        if not host.startswith("*.") or "*" in host[2:] or len(labels) < 3:
            raise ValidationError(
                _("“%(value)s”: a wildcard may only stand for the subdomains of a site, as the "
                  "first part: e.g. https://*.example.org."),
                params=example,
            )
    if not _HOST.match(host):
        raise ValidationError(_("“%(value)s” does not name a valid host."), params=example)
    if port is not None and not 0 < port <= 65535:
        raise ValidationError(_("“%(value)s” has a port that is not a number from 1 to 65535."),
                              params=example)
    origin = f"{scheme}://{host}"
    if port is not None and port != _DEFAULT_PORTS[scheme]:
        origin += f":{port}"
    return origin


def normalise_all(values) -> list[str]:
    """Every origin of ``values`` in its stored form, in order, once each; all the problems
    at once in one ``ValidationError``."""
    origins, errors = [], []
    for value in values:
        if not (value or "").strip():
            continue
        try:
            origin = normalise(value)
        except ValidationError as error:
            errors.append(error)
            continue
        if origin not in origins:
            origins.append(origin)
    if len(origins) > MAX_ORIGINS:
        errors.append(ValidationError(
            _("At most %(count)s sites may embed the forms."), params={"count": MAX_ORIGINS}
        ))
    if errors:
        raise ValidationError(errors)
    return origins


def validate_origins(value) -> None:
    """The model's check: a list of stored-form origins (``normalise`` makes them)."""
    if not isinstance(value, list):
        raise ValidationError(_("A list of sites is expected."))
    for origin in value:
        if not isinstance(origin, str) or not _STORED.match(origin) or normalise(origin) != origin:
            raise ValidationError(
                _("“%(value)s” is not written as an origin: e.g. https://example.org."),
                params={"value": origin},
            )
    if len(value) > MAX_ORIGINS:
        raise ValidationError(
            _("At most %(count)s sites may embed the forms."), params={"count": MAX_ORIGINS}
        )


def header_sources(value) -> list[str]:
    """The origins that may go into a ``frame-ancestors`` directive: the stored ones that still
    look like one (an http origin stays out once http is no longer allowed)."""
    return [
        origin for origin in (value or [])
        if isinstance(origin, str) and _STORED.match(origin)
        and (origin.startswith("https://") or http_allowed())
    ]
