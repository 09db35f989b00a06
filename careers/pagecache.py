"""Whole public pages from the shared cache, for visitors who have nothing of their own on them.

A page is served from the cache only to a visitor with no session and no pending messages, so
a shortlist count, a message or a staff preview is never shown to someone else. The one
per-visitor value on every public page, the CSRF token in the corrections form, is taken out
before the page is stored and a fresh one for this visitor is put in when it is served.

Keys carry a content version: any change to what public pages show (a save or delete of a
listing, guide or figure, or an import) moves the version, so every cached page is stale at once,
across every app server that shares the cache.
"""

import hashlib
import re
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils.http import urlencode

VERSION_KEY = "content-version"
CSRF_FIELD = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]+(")')
CSRF_PLACEHOLDER = b"__csrf_token__"
# Models whose changes never show on a cached public page.
PRIVATE_MODELS = {
    "correction", "accessrequest", "representativelink", "schoolrepresentative",
    "schoolupdate", "schoolupdatefield",
}  # fmt: skip


def content_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, 1, timeout=None)
        version = cache.get(VERSION_KEY, 1)
    return version


def content_changed(**kwargs) -> None:
    """Make every cached page stale (atomic on Redis, so app servers agree)."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # no version yet
        cache.add(VERSION_KEY, 2, timeout=None)


def content_model_changed(sender, **kwargs):
    """Signal receiver: a public model was saved, deleted or had its relations changed."""
    meta = sender._meta
    if meta.app_label in ("careers", "programs") and not (
        meta.model_name in PRIVATE_MODELS or meta.model_name.startswith("historical")
    ):
        content_changed()


def is_cacheable_request(request) -> bool:
    cookies = request.COOKIES
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in cookies
        and "messages" not in cookies
    )


def page_key(request, params) -> str | None:
    """The cache key for this URL, or None when it carries a parameter we don't key on."""
    names = set(request.GET)
    if not names <= set(params):
        return None
    query = urlencode(sorted((name, request.GET.getlist(name)) for name in names), doseq=True)
    digest = hashlib.sha256(f"{request.path}?{query}".encode()).hexdigest()
    return f"page:{content_version()}:{digest}"


def cache_public_page(params=()):
    """Serve a view's 200 responses from the shared cache to visitors without a session.

    Pages are kept for settings.PAGE_CACHE_SECONDS; 0 turns the page cache off.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            timeout = settings.PAGE_CACHE_SECONDS
            cacheable = timeout and is_cacheable_request(request)
            key = page_key(request, params) if cacheable else None
            if key is None:
                return view(request, *args, **kwargs)
            cached = cache.get(key)
            if cached is not None:
                token = get_token(request).encode()  # this visitor's, and sets their cookie
                response = HttpResponse(cached["content"].replace(CSRF_PLACEHOLDER, token))
                response["Content-Type"] = cached["content_type"]
                response["X-Page-Cache"] = "hit"
                return response
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and callable(response.render):
                response.render()
            if response.status_code == 200 and not response.streaming:
                content = CSRF_FIELD.sub(rb"\1" + CSRF_PLACEHOLDER + rb"\2", response.content)
                cache.set(
                    key,
                    {"content": content, "content_type": response["Content-Type"]},
                    timeout,
                )
                response["X-Page-Cache"] = "miss"
            return response

        return wrapped

    return decorator
