"""Whole public pages from the cache, per language, invalidated when their content changes.

A page's key is its full path (which carries the language prefix) plus the content version of
the project it shows (the home page: the site's version). Any save or delete of what a page
shows bumps those versions (each app connects its models in its ``AppConfig.ready()`` with
``watch``); old entries are never read again and expire. A version is a random token, so an
evicted version key only costs a fresh render, never a stale page.

Only anonymous GET/HEAD requests are answered from the cache: a request with a session cookie
(an organiser) gets a freshly rendered page that no browser keeps. A part that changes with
every registration (the event page's registration box) is not cached: the view marks its span
(``response.pagecache_live``) and it is rendered per request and spliced into the cached bytes.
Entries also expire by the time the page would change by itself (an event ending).
"""

import hashlib
import uuid
from datetime import datetime
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_cache_control, patch_vary_headers

from aula.core import fastlane

SITE = "*"
# Headers the wrapper sets itself on every answer.
_OWN_HEADERS = {"cache-control", "expires", "vary", "content-length"}


def page_seconds() -> int:
    """How long a page stays in the server's cache at most."""
    return getattr(settings, "AULA_PAGE_CACHE_SECONDS", 600)


def browser_seconds() -> int:
    """How long a browser may keep an anonymous page (places left may be that old there)."""
    return getattr(settings, "AULA_PAGE_BROWSER_SECONDS", 60)


def enabled() -> bool:
    return getattr(settings, "AULA_PAGE_CACHE", True)


def _version_key(scope: str) -> str:
    return f"aula:pages:version:{scope}"


def versions(*scopes: str) -> list[str]:
    """The current content version of each scope (a project's slug, or ``SITE``)."""
    keys = [_version_key(scope) for scope in scopes]
    found = cache.get_many(keys)
    missing = {key: uuid.uuid4().hex for key in keys if key not in found}
    if missing:
        cache.set_many(missing, timeout=None)
        found.update(missing)
    return [found[key] for key in keys]


def _bump_now(slugs: frozenset[str]) -> None:
    fastlane.clear()
    cache.set_many(
        {_version_key(scope): uuid.uuid4().hex for scope in {SITE, *slugs}}, timeout=None
    )


def bump(*project_slugs: str) -> None:
    """The pages of these projects (and the home page) changed: render them afresh.

    Bumped now and again after the commit, so that a page rendered from the old rows while the
    transaction ran is never read again."""
    slugs = frozenset(slug for slug in project_slugs if slug)
    _bump_now(slugs)
    transaction.on_commit(lambda: _bump_now(slugs))


def watch(model, projects_of, *, uid: str, before_save=None) -> None:
    """Bump the pages of ``projects_of(instance)`` (project slugs, read from the database) when
    an instance of ``model`` is saved or deleted. ``before_save(instance)``, when given, names
    the projects an existing instance showed on before the save (a moved event, a new slug)."""
    from django.db.models import signals

    def saved(sender, instance, raw=False, **kwargs):
        if not raw:
            bump(*projects_of(instance), *getattr(instance, "_pagecache_before", ()))

    def deleting(sender, instance, **kwargs):
        bump(*projects_of(instance))  # before the delete: the rows to find them still exist

    signals.post_save.connect(saved, sender=model, weak=False, dispatch_uid=f"{uid}.saved")
    signals.pre_delete.connect(deleting, sender=model, weak=False, dispatch_uid=f"{uid}.deleted")
    if before_save is not None:

        def saving(sender, instance, raw=False, **kwargs):
            if not raw and instance.pk is not None and not instance._state.adding:
                instance._pagecache_before = tuple(before_save(instance))

        signals.pre_save.connect(saving, sender=model, weak=False, dispatch_uid=f"{uid}.before")


def anonymous(request) -> bool:
    """No session cookie (so nobody logged in, no messages waiting) and no user."""
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        return False
    user = getattr(request, "user", None)
    return not (user is not None and user.is_authenticated)


_release = None


def release() -> str:
    """Changes with the deployed static files, so that a new release never serves pages that
    link to the previous release's hashed file names from a shared (Redis) cache."""
    global _release
    if _release is None:
        from django.contrib.staticfiles.storage import staticfiles_storage

        _release = (getattr(staticfiles_storage, "manifest_hash", "") or "")[:12]
    return _release


def page_key(request, scope: str) -> str:
    scopes = (SITE,) if scope == SITE else (scope,)
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]
    return f"aula:page:{release()}:{':'.join(versions(*scopes))}:{path}"


def _public(response) -> HttpResponse:
    patch_vary_headers(response, ("Cookie",))
    patch_cache_control(response, public=True, max_age=browser_seconds())
    response.fastlane = True  # any anonymous visitor may get these bytes: see fastlane.py
    return response


def _private(response) -> HttpResponse:
    patch_vary_headers(response, ("Cookie",))
    add_never_cache_headers(response)
    return response


def _timeout(response) -> int | None:
    """Seconds to keep ``response``, or None when it must not be kept."""
    seconds = page_seconds()
    until: datetime | None = getattr(response, "pagecache_until", None)
    if until is not None:
        seconds = min(seconds, int((until - timezone.now()).total_seconds()))
    return seconds if seconds > 0 else None


def _entry(response) -> dict | None:
    if response.status_code != 200 or response.streaming or response.cookies:
        return None
    live = getattr(response, "pagecache_live", None)
    content = response.content
    if live is None:
        parts, live_object = [content], None
    elif live is False:  # the live part could not be found: never freeze it
        return None
    else:
        start, end, live_object = live
        parts = [content[:start], content[end:]]
    headers = [(k, v) for k, v in response.items() if k.lower() not in _OWN_HEADERS]
    return {"headers": headers, "parts": parts, "live": live_object}


def _from_entry(entry, render_live) -> HttpResponse:
    parts = entry["parts"]
    if len(parts) == 2:
        content = parts[0] + render_live(entry["live"]).encode() + parts[1]
    else:
        content = parts[0]
    response = HttpResponse(content)
    for name, value in entry["headers"]:
        response[name] = value
    return response


def cached_page(scope_of, render_live=None):
    """Serve the decorated view from the cache for anonymous GET/HEAD requests.

    ``scope_of(kwargs)`` names the view's scope: a project's slug, or ``SITE``.
    ``render_live(obj)`` renders the live part of a page that marks one."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method not in ("GET", "HEAD") or not enabled():
                return view(request, *args, **kwargs)
            if not anonymous(request):
                return _private(view(request, *args, **kwargs))
            key = page_key(request, scope_of(kwargs))
            entry = cache.get(key)
            if entry is not None:
                return _public(_from_entry(entry, render_live))
            response = view(request, *args, **kwargs)
            if request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or response.cookies:
                return _private(response)  # a page with a token is nobody else's
            timeout = _timeout(response)
            entry = _entry(response) if timeout else None
            if entry is not None:
                cache.set(key, entry, timeout)
            return _public(response) if response.status_code == 200 else response

        return wrapper

    return decorator
