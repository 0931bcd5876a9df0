"""Browser-side defences and the refusal of unreadable input, for every response.

``SecurityHeadersMiddleware`` adds the Content-Security-Policy (scripts only from this site's
static files: no inline script, no event-handler attribute), the Permissions-Policy and
``Cache-Control: no-store`` on the pages that carry personal data (the console, the admin,
the registrant's own pages, the mail viewer). It sits inside ``aula.core.fastlane``, so pages
replayed from memory carry the same headers. HSTS, the Referrer-Policy and nosniff come from
Django's SecurityMiddleware (settings.py).

``RejectNulMiddleware`` answers 400 to a request with a NUL character in a query or form
parameter (its name or its value): no database stores it (PostgreSQL refuses it with an error)
and no person types it.
"""

from django.conf import settings
from django.http import HttpResponseBadRequest
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import gettext as _

# style-src allows inline styles: the e-mail previews (console and mail viewer) show e-mails in
# sandboxed srcdoc frames, which inherit this policy, and e-mail HTML must carry inline styles
# for mail clients. Scripts, the real risk, never run inline.
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


def content_security_policy() -> str:
    return getattr(settings, "AULA_CONTENT_SECURITY_POLICY", CONTENT_SECURITY_POLICY)


def policy_framed_by(sources) -> str:
    """The site's policy with ``frame-ancestors`` set to ``sources`` (origins already checked:
    ``projects.origins``) instead of 'none': for the pages a partner's site may show in a
    frame (the embedded registration form). No source: 'none', so a page fails closed."""
    directives = [
        part.strip() for part in content_security_policy().split(";")
        if part.strip() and not part.strip().startswith("frame-ancestors")
    ]
    directives.append("frame-ancestors " + (" ".join(sources) if sources else "'none'"))
    return "; ".join(directives)


PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()" for feature in [
        "accelerometer", "camera", "display-capture", "geolocation", "gyroscope",
        "magnetometer", "microphone", "midi", "payment", "usb",
    ]
)

# Pages with personal data (URL namespaces, or namespace:name), never kept by a browser or proxy.
NO_STORE_NAMESPACES = {"console", "admin", "join", "feedback", "messaging"}
NO_STORE_NAMES = {
    "registrations:register", "registrations:personal", "registrations:sessions",
    "registrations:confirm", "registrations:cancel", "registrations:erase",
    "registrations:erased", "registrations:calendar", "registrations:data",
    "registrations:embed",
    "certificates:mine",
}


def needs_no_store(request) -> bool:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return False
    return bool(set(match.namespaces) & NO_STORE_NAMESPACES) or match.view_name in NO_STORE_NAMES


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # A view may set a stricter policy of its own (downloads: "default-src 'none'; sandbox").
        response.headers.setdefault("Content-Security-Policy", content_security_policy())
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if needs_no_store(request) and "no-store" not in response.get("Cache-Control", ""):
            add_never_cache_headers(response)
            patch_cache_control(response, private=True, no_store=True)
        return response


def has_nul(query_dict) -> bool:
    return any(
        "\x00" in key or any("\x00" in value for value in values if isinstance(value, str))
        for key, values in query_dict.lists()
    )


class RejectNulMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if has_nul(request.GET) or (request.method == "POST" and has_nul(request.POST)):
            return HttpResponseBadRequest(
                _("The request contains a character that is not allowed (NUL)."),
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)
