"""Whole public pages from the shared cache, for visitors who have nothing of their own on them.

A page is served from the cache only to a visitor with no session and no pending messages, so
a shortlist count, a message or a staff preview is never shown to someone else. The one
per-visitor value on every public page, the CSRF token in the corrections form, is taken out
before the page is stored and a fresh one for this visitor is put in when it is served.

Each stored page carries the content version it was made under, and a page is served only
under the current one: any change to what public pages show moves the version, so every cached
page is stale at once, across every app server that shares the cache. Each app says which of its
models public pages show (`invalidate_on_change`, from its AppConfig.ready); bulk loads call
`content_changed` themselves. Hits are answered by PageCacheMiddleware, early in the
middleware stack; views decorated with `cache_public_page` store their pages.

What is stored is bounded, so visitors can't fill the cache with query strings of their own: a
page is stored only under the one URL that is the canonical form of what it shows (the view
says which, see PageCacheQueryMixin); a URL with a free-text or many-valued parameter (a
search, a ZIP code) only from its second request; a page over PAGE_CACHE_MAX_BYTES never; and
each stored page is compressed. docs/deploy.md has the Redis settings that bound the rest.
"""

import hashlib
import re
import threading
import time
import zlib
from collections import OrderedDict
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils.http import urlencode

VERSION_KEY = "content-version"
CSRF_FIELD = re.compile(rb'(?<=name="csrfmiddlewaretoken" value=")[^"]+(?=")')


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


def invalidate_on_change(*models) -> None:
    """Public pages show these models: a save, a delete or a change to their many-to-many
    relations makes every cached page stale. Called by each app's AppConfig.ready."""
    for model in models:
        for signal in (post_save, post_delete):
            signal.connect(content_changed, sender=model, dispatch_uid=f"pagecache-{model}")
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            m2m_changed.connect(content_changed, sender=through, dispatch_uid=f"pagecache-{field}")


def is_cacheable_request(request) -> bool:
    cookies = request.COOKIES
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in cookies
        and "messages" not in cookies
    )


def page_key(request) -> str:
    """The cache key for this URL: its path and its query, parameters in a stable order (so the
    same parameters in another order are answered with the stored canonical page). "zlib" names
    the stored format, which an app server of an older release never reads."""
    query = urlencode(sorted((name, request.GET.getlist(name)) for name in request.GET), doseq=True)
    return "page:zlib:" + hashlib.sha256(f"{request.path}?{query}".encode()).hexdigest()


def normalised_text(value: str) -> str:
    """A free-text parameter's canonical form: trimmed, inner spaces collapsed, case-folded."""
    return " ".join(value.split()).casefold()


class PageCacheQueryMixin:
    """For a view whose page depends on its query string: `get_page_cache_query(context)` gives
    the canonical query string of the page it made ("" for none; None when the page must not be
    stored, e.g. a value was invalid), and `cache_public_page` stores the page only when the URL
    carries exactly that query. A view without this mixin is stored only at its bare URL."""

    def get_page_cache_query(self, context) -> str | None:
        return ""

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        response.page_cache_query = self.get_page_cache_query(context)
        return response


def packed(version, content: bytes, content_type: str) -> dict:
    """What is stored for a page: its body compressed (a 45 KB listing becomes about 6 KB), and
    where the CSRF tokens were taken out of it."""
    around_tokens = CSRF_FIELD.split(content)
    return {
        "version": version,
        "body": zlib.compress(b"".join(around_tokens)),
        "cuts": [len(piece) for piece in around_tokens[:-1]],
        "content_type": content_type,
    }


def unpacked(stored: dict) -> dict:
    """A stored page as it is served: the pieces around its CSRF tokens, decompressed once for
    this process's RecentPages."""
    body, around_tokens, start = zlib.decompress(stored["body"]), [], 0
    for length in stored["cuts"]:
        around_tokens.append(body[start : start + length])
        start += length
    around_tokens.append(body[start:])
    return {
        "version": stored["version"],
        "around_tokens": around_tokens,
        "content_type": stored["content_type"],
    }


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


class FirstRequests:
    """URLs asked for once within the last PAGE_CACHE_SECONDS, in this process (like nginx's
    `proxy_cache_min_uses 2`): a URL of a search is stored only when asked for again, so a flood
    of one-off searches stores nothing. Bounded: past `size` URLs the oldest are forgotten. With
    several processes, the second request may need to reach the same one."""

    def __init__(self, size):
        self.size, self.first_asked, self.lock = size, OrderedDict(), threading.Lock()
        self.clock = time.monotonic

    def asked_before(self, key, within) -> bool:
        """Whether `key` was asked for in the last `within` seconds; if not, remember it."""
        now = self.clock()
        with self.lock:
            first = self.first_asked.pop(key, None)
            if first is not None and now - first < within:
                return True
            self.first_asked[key] = now
            while len(self.first_asked) > self.size:
                self.first_asked.popitem(last=False)
            return False

    def clear(self):
        with self.lock:
            self.first_asked.clear()


recent_pages = RecentPages(size=200)
first_requests = FirstRequests(size=10_000)


def cached_response(request) -> HttpResponse | None:
    """This URL's page from the cache if it is there for the current content version."""
    key = page_key(request)
    page = recent_pages.get(key)
    if page is not None:
        version = cache.get(VERSION_KEY)
        stored = cache.get(key) if page["version"] != version else None
    else:  # the version and the page in one round trip
        found = cache.get_many([VERSION_KEY, key])
        version, stored = found.get(VERSION_KEY), found.get(key)
    if stored is not None and stored["version"] == version:
        page = unpacked(stored)  # decompressed once, then served from this process
        recent_pages.put(key, page)
    if page is None or page["version"] != version:
        return None
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


def is_canonical(request, response) -> bool:
    """Whether the URL is exactly the canonical form of what the page shows."""
    return request.META.get("QUERY_STRING", "") == getattr(response, "page_cache_query", "")


def cache_public_page(popular_only=()):
    """Store a view's 200 responses in the shared cache for visitors without a session: only
    under the canonical URL of what they show (PageCacheQueryMixin), only from the second
    request when the URL carries one of the `popular_only` parameters, and only up to
    settings.PAGE_CACHE_MAX_BYTES. PageCacheMiddleware serves them; settings.PAGE_CACHE_SECONDS
    is how long they are kept, 0 turns the page cache off."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            timeout = settings.PAGE_CACHE_SECONDS
            cacheable = timeout and is_cacheable_request(request)
            version = content_version() if cacheable else None  # before the page is made
            response = view(request, *args, **kwargs)
            if not (cacheable and response.status_code == 200 and is_canonical(request, response)):
                return response
            if hasattr(response, "render") and callable(response.render):
                response.render()
            key = page_key(request)
            if (
                not response.streaming
                and len(response.content) <= settings.PAGE_CACHE_MAX_BYTES
                and (
                    not any(name in request.GET for name in popular_only)
                    or first_requests.asked_before(key, within=timeout)
                )
            ):
                page = packed(version, response.content, response["Content-Type"])
                cache.set(key, page, timeout)
                response["X-Page-Cache"] = "miss"
            return response

        return wrapped

    return decorator
