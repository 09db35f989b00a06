"""Whole public pages from the shared cache, identical for every visitor without a session.

No public page holds anything of one visitor: public forms are guarded by the browser's own
cross-origin headers (core/crossorigin.py), not by per-visitor tokens, so a stored page is
served byte for byte, with `Cache-Control: public`, an `ETag` and `304 Not Modified` on
revalidation, and any HTTP cache in front (nginx, a CDN) can hold it too (docs/deploy.md). A
visitor with a session (a shortlist, a message, a signed-in editor) always gets the page made
afresh, with their counts in it, and `Cache-Control: private`.

Pages are made stale by what changed, not all at once: each page depends on tags (core/tags.py:
`site`, usually `listings`, or its record's tag, `program:12`), is stored with their versions
when it was made, and is served only while they stand. `cache_public_page(tags=...)` says which
record tags a page has.

What is stored is bounded, so visitors can't fill the cache with query strings of their own: a
page is stored only under the one URL that is the canonical form of what it shows (the view
says which, see PageCacheQueryMixin); a URL with a free-text or many-valued parameter (a
search, a ZIP code) only from its second request; a page over PAGE_CACHE_MAX_BYTES never; and
each stored page is compressed. docs/deploy.md has the Redis settings that bound the rest.

Stored pages are gzipped once, when stored, and a client that accepts gzip gets those bytes as
they are (`Content-Encoding: gzip`, an ETag of their own, `Vary: Accept-Encoding`): neither the
app nor nginx in front compresses a cached page per request. The pages hold no secret (nothing
of one visitor), so compressing them leaks nothing (BREACH needs a secret beside the reflected
text).
"""

import gzip
import hashlib
import re
import threading
import time
from collections import OrderedDict
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_vary_headers
from django.utils.http import parse_etags, urlencode
from django.utils.translation import get_language

from .recent import Recent
from .tags import LISTINGS, SITE, tag_versions


def site_only(url_kwargs):
    """`cache_public_page(tags=site_only)`: a page that shows no programs nor schools."""
    return ()


def is_cacheable_request(request) -> bool:
    cookies = request.COOKIES
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in cookies
        and "messages" not in cookies
    )


def page_key(request) -> str:
    """The cache key for this URL: its path and its query, parameters in a stable order (so the
    same parameters in another order are answered with the stored canonical page; /es/ pages
    have paths of their own). "v4" names the stored format, which an app server of an older
    release never reads."""
    query = urlencode(sorted((name, request.GET.getlist(name)) for name in request.GET), doseq=True)
    return "page:v4:" + hashlib.sha256(f"{request.path}?{query}".encode()).hexdigest()


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


def etag_of(content: bytes) -> str:
    return '"' + hashlib.blake2b(content, digest_size=16).hexdigest() + '"'


ACCEPTS_GZIP = re.compile(r"\bgzip\b")  # as django.middleware.gzip reads Accept-Encoding


def accepts_gzip(request) -> bool:
    return bool(ACCEPTS_GZIP.search(request.headers.get("Accept-Encoding", "")))


def gzipped(content: bytes) -> bytes:
    """The same bytes each time for the same page (no timestamp), so caches agree. Level 6,
    zlib's default: level 9 took 40 % longer for 0.2 % fewer bytes on the listing."""
    return gzip.compress(content, compresslevel=6, mtime=0)


def gzip_etag(etag: str) -> str:
    """The gzipped representation's own strong ETag."""
    return etag[:-1] + '-gzip"'


def public_headers(response, etag) -> None:
    """What lets a browser, a proxy or a CDN keep the page and revalidate it (docs/deploy.md)."""
    response["Cache-Control"] = (
        f"public, max-age={settings.PAGE_MAX_AGE}, s-maxage={settings.PAGE_MAX_AGE}, "
        f"stale-while-revalidate={settings.PAGE_CACHE_SECONDS}"
    )
    response["ETag"] = etag
    # A visitor with a session gets their own page; a client that accepts gzip, gzipped bytes.
    patch_vary_headers(response, ("Accept-Encoding", "Cookie"))


def not_modified(request, etag) -> bool:
    return etag in parse_etags(request.headers.get("If-None-Match", ""))


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


# This process's most recently served pages, decompressed: a hot page is read from the shared
# cache only when one of its tags moved.
recent_pages = Recent(size=200)
first_requests = FirstRequests(size=10_000)


def is_current(page) -> bool:
    return tag_versions.get(tuple(page["tags"])) == page["tags"]


def cached_response(request) -> HttpResponse | None:
    """This URL's page from the cache while every tag it depends on is unchanged."""
    key = page_key(request)
    page = recent_pages.get(key)
    if page is None or not is_current(page):
        stored = cache.get(key)
        if stored is None:
            return None
        page = {**stored, "body": gzip.decompress(stored["gzip"])}  # decompressed once
        if not is_current(page):
            return None
        recent_pages.put(key, page)
    compressed = accepts_gzip(request)
    etag = gzip_etag(page["etag"]) if compressed else page["etag"]
    if not_modified(request, etag):
        response = HttpResponseNotModified()
    else:
        body = page["gzip"] if compressed else page["body"]
        response = HttpResponse(body, content_type=page["content_type"])
        if compressed:
            response["Content-Encoding"] = "gzip"
        # CommonMiddleware, which would add it, comes later: without it gunicorn sends the
        # page chunked, and nginx keeps and serves it chunked (an extra write per hit).
        response["Content-Length"] = str(len(body))
    response["Content-Language"] = page["language"]
    public_headers(response, etag)
    response["X-Page-Cache"] = "hit"
    return response


class PageCacheMiddleware:
    """Answers a visitor without a session from the page cache before the session, common,
    CSRF and authentication middleware run. Views decorated with `cache_public_page` fill it."""

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


def cache_public_page(tags=None, popular_only=()):
    """Store a view's 200 responses for visitors without a session, under the versions of the
    tags the page depends on: `site`, and `tags(url_kwargs)` (by default `listings`), read
    before the page is made. Only under the canonical URL of what the page shows
    (PageCacheQueryMixin), only from the second request when the URL carries one of the
    `popular_only` parameters, and only up to settings.PAGE_CACHE_MAX_BYTES.
    PageCacheMiddleware serves them; settings.PAGE_CACHE_SECONDS is how long they are kept,
    0 turns the page cache off (pages are still sent with their public headers)."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            public = is_cacheable_request(request)
            page_tags = (SITE, *(tags(kwargs) if tags else (LISTINGS,)))
            storing = public and settings.PAGE_CACHE_SECONDS
            versions = tag_versions.get(page_tags) if storing else None  # before the page is made
            response = view(request, *args, **kwargs)
            if not public:
                response.setdefault("Cache-Control", "private")
            if not (public and response.status_code == 200 and is_canonical(request, response)):
                return response
            if hasattr(response, "render") and callable(response.render):
                response.render()
            if response.streaming:
                return response
            etag = etag_of(response.content)
            kept = store(request, response, etag, versions, popular_only) if storing else None
            if accepts_gzip(request):
                response.content = kept or gzipped(response.content)
                response["Content-Encoding"] = "gzip"
                etag = gzip_etag(etag)
            public_headers(response, etag)
            if not_modified(request, etag):
                unchanged = HttpResponseNotModified()
                public_headers(unchanged, etag)
                if "X-Page-Cache" in response:
                    unchanged["X-Page-Cache"] = response["X-Page-Cache"]
                return unchanged
            return response

        return wrapped

    return decorator


def store(request, response, etag, versions, popular_only) -> bytes | None:
    """Keeps the page when it may be kept; returns its gzipped bytes then."""
    timeout = settings.PAGE_CACHE_SECONDS
    key = page_key(request)
    if len(response.content) <= settings.PAGE_CACHE_MAX_BYTES and (
        not any(name in request.GET for name in popular_only)
        or first_requests.asked_before(key, within=timeout)
    ):
        page = {
            "tags": versions,
            "etag": etag,
            "gzip": gzipped(response.content),  # a 47 KB listing becomes 10 KB
            "content_type": response["Content-Type"],
            "language": get_language(),  # the path's (core/i18n.py): the key keeps them apart
        }
        cache.set(key, page, timeout)
        response["X-Page-Cache"] = "miss"
        return page["gzip"]
    return None
