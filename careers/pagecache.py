"""Whole public pages from the shared cache, for visitors who have nothing of their own on them.

A page is served from the cache only to a visitor with no session and no pending messages, so
a shortlist count, a message or a staff preview is never shown to someone else. The one
per-visitor value on every public page, the CSRF token in the corrections form, is taken out
before the page is stored and a fresh one for this visitor is put in when it is served.

Each stored page carries the content version it was made under, and a page is served only
under the current one: any change to what public pages show (a save or delete of a listing,
guide or figure, or an import) moves the version, so every cached page is stale at once, across
every app server that shares the cache. Hits are answered by PageCacheMiddleware, early in the
middleware stack; views decorated with `cache_public_page` store their pages.
"""

import hashlib
import re
import threading
import time
from collections import OrderedDict
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils.http import urlencode

VERSION_KEY = "content-version"
CSRF_FIELD = re.compile(rb'(?<=name="csrfmiddlewaretoken" value=")[^"]+(?=")')
# Models whose changes never show on a cached public page.
PRIVATE_MODELS = {
    "correction", "accessrequest", "representativelink", "schoolrepresentative",
    "schoolupdate", "schoolupdatefield",
}  # fmt: skip


def content_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, first_version(), timeout=None)
        version = cache.get(VERSION_KEY)
    return version


def first_version() -> int:
    """A starting version above any used before, should the cache lose its version: a page
    stored under an old number must never come back to life."""
    return time.time_ns() // 1000


def content_changed(**kwargs) -> None:
    """Make every cached page stale (atomic on Redis, so app servers agree)."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # no version yet
        cache.add(VERSION_KEY, first_version(), timeout=None)


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


def page_key(request) -> str:
    """The cache key for this URL: its path and its query, parameters in a stable order."""
    query = urlencode(sorted((name, request.GET.getlist(name)) for name in request.GET), doseq=True)
    return "page:" + hashlib.sha256(f"{request.path}?{query}".encode()).hexdigest()


class RecentPages:
    """This process's most recently served pages: a hot page is then read from the shared cache
    only when the content version moved, which is checked on every request (a small read), so
    an edit through any server still shows at once."""

    def __init__(self, size):
        self.size, self.pages, self.lock = size, OrderedDict(), threading.Lock()

    def get(self, key):
        with self.lock:
            page = self.pages.get(key)
            if page is not None:
                self.pages.move_to_end(key)
            return page

    def put(self, key, page):
        with self.lock:
            self.pages[key] = page
            self.pages.move_to_end(key)
            while len(self.pages) > self.size:
                self.pages.popitem(last=False)


recent_pages = RecentPages(size=200)


def cached_response(request) -> HttpResponse | None:
    """This URL's page from the cache if it is there for the current content version."""
    key = page_key(request)
    page = recent_pages.get(key)
    if page is not None:
        version = cache.get(VERSION_KEY)
        if page["version"] != version:
            page = cache.get(key)
    else:  # the version and the page in one round trip
        found = cache.get_many([VERSION_KEY, key])
        version, page = found.get(VERSION_KEY), found.get(key)
    if page is None or page["version"] != version:
        return None
    recent_pages.put(key, page)
    token = get_token(request).encode()  # this visitor's, and sets their cookie
    response = HttpResponse(token.join(page["around_tokens"]))
    response["Content-Type"] = page["content_type"]
    response["X-Page-Cache"] = "hit"
    return response


class PageCacheMiddleware:
    """Answers a visitor without a session from the page cache before the rest of the stack
    (sessions, authentication, messages, URL resolving) runs. Views decorated with
    `cache_public_page` fill the cache. Placed after CsrfViewMiddleware, which sets the CSRF
    cookie of the token put in the page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.PAGE_CACHE_SECONDS and is_cacheable_request(request):
            response = cached_response(request)  # None while the cache is down, too
            if response is not None:
                return response
        return self.get_response(request)


def cache_public_page(params=()):
    """Store a view's 200 responses in the shared cache for visitors without a session, when the
    URL carries only `params`. PageCacheMiddleware serves them; settings.PAGE_CACHE_SECONDS is
    how long they are kept, 0 turns the page cache off."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            timeout = settings.PAGE_CACHE_SECONDS
            cacheable = (
                timeout and is_cacheable_request(request) and set(request.GET) <= set(params)
            )
            version = content_version() if cacheable else None  # before the page is made
            response = view(request, *args, **kwargs)
            if not cacheable:
                return response
            if hasattr(response, "render") and callable(response.render):
                response.render()
            if response.status_code == 200 and not response.streaming:
                # The page in pieces around its CSRF tokens: joined with a visitor's own token.
                around_tokens = CSRF_FIELD.split(response.content)
                cache.set(
                    page_key(request),
                    {
                        "version": version,
                        "around_tokens": around_tokens,
                        "content_type": response["Content-Type"],
                    },
                    timeout,
                )
                response["X-Page-Cache"] = "miss"
            return response

        return wrapped

    return decorator
