"""Which language a visitor without a language in the address gets.

The order is: the URL prefix (``/lt/p/…``), then the browser's languages (Accept-Language, or
the language cookie), then the content's own primary language. Django's ``LocaleMiddleware``
does the first two and otherwise falls back to ``settings.LANGUAGE_CODE`` (English); for the
public pages of a project or an event this middleware, placed before it, puts the event's
(else the project's) primary language in that last place instead: a partner in Klaipėda
sharing ``/p/ecoc-sme/seminar/`` with a browser that asks for none of our languages lands on
the Lithuanian page of a Lithuanian seminar, not on the English one.

Everything else (``/``, the console, the join link, …) is left to ``LocaleMiddleware``.
"""

import re

from django.conf import settings
from django.http import HttpResponseRedirect
from django.urls import is_valid_path
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_supported_language_variant, trans_real
from django.utils.translation.trans_real import parse_accept_lang_header

from aula.events.models import Event
from aula.projects.models import Project

# /p/<project>/ and /p/<project>/<event>/… without a language prefix.
PUBLIC_PATH = re.compile(r"^/p/(?P<project>[-\w]+)/(?:(?P<event>[-\w]+)/)?")


def _supported(code: str) -> str | None:
    try:
        return get_supported_language_variant(code)
    except LookupError:
        return None


def visitor_language(request) -> str | None:
    """The language the visitor asked for (cookie, then Accept-Language), or None when they
    asked for none of ours. Unlike ``get_language_from_request``, no default."""
    cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if cookie and _supported(cookie):
        return _supported(cookie)
    header = request.META.get("HTTP_ACCEPT_LANGUAGE", "")
    for code, _quality in parse_accept_lang_header(header):
        if code == "*":
            break
        if not trans_real.language_code_re.search(code):
            continue
        found = _supported(code)
        if found:
            return found
    return None


def content_language(project_slug: str, event_slug: str | None) -> str | None:
    """The event's primary language (else its project's), or the project's; None when there
    is no such public page."""
    if event_slug:
        found = (
            Event.objects.published()
            .filter(project__slug=project_slug, slug=event_slug)
            .values_list("primary_language", "project__primary_language")
            .first()
        )
        if found is None:
            return None
        language = found[0] or found[1]
    else:
        language = (
            Project.objects.filter(slug=project_slug)
            .values_list("primary_language", flat=True)
            .first()
        )
    return _supported(language) if language else None


class ContentLanguageRedirectMiddleware:
    """Before ``LocaleMiddleware``: an unprefixed project or event address, from a browser that
    asks for none of our languages, redirects to the page in the content's primary language."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self._redirect(request)
        return response if response is not None else self.get_response(request)

    def _redirect(self, request):
        match = PUBLIC_PATH.match(request.path_info)
        if match is None or visitor_language(request) is not None:
            return None
        language = content_language(match["project"], match["event"])
        if language is None:
            return None
        script_prefix = request.META.get("SCRIPT_NAME", "")
        path = f"/{language}{request.path_info}"
        with translation.override(language):  # the prefix resolves in its own language only
            if not is_valid_path(path, getattr(request, "urlconf", None)):
                return None
        query = request.META.get("QUERY_STRING", "")
        response = HttpResponseRedirect(f"{script_prefix}{path}" + (f"?{query}" if query else ""))
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        return response
