"""Whole public pages from the shared cache, identical for every visitor without a session.

No public page holds anything of one visitor: public forms are guarded by the browser's own
cross-origin headers (core/crossorigin.py), not by per-visitor tokens, so a stored page is
served byte for byte, with `Cache-Control: public`, an `ETag` and `304 Not Modified` on
revalidation, and any HTTP cache in front (nginx, a CDN) can hold it too (docs/deploy.md). A
visitor with a session (a shortlist, a message, a signed-in editor) always gets the page made
afresh, with their counts in it, and `Cache-Control: private`.

Pages are made stale by what changed, not all at once. Each page depends on tags: `site`
(everything all pages share: guides, careers, the header), usually `listings` (anything that
shows or counts programs), and record tags (`program:12`, `school:<unitid>`, `career:<slug>`).
Each tag has a version in the shared cache; a page is stored with the versions of its tags when
it was made and served only while they are current. An edit moves the tags of what it touches
(`invalidate_on_change`, from each app's AppConfig.ready); bulk loads call `pages_changed()`,
which moves `site`, so every page is stale at once.

What is stored is bounded, so visitors can't fill the cache with query strings of their own: a
page is stored only under the one URL that is the canonical form of what it shows (the view
says which, see PageCacheQueryMixin); a URL with a free-text or many-valued parameter (a
search, a ZIP code) only from its second request; a page over PAGE_CACHE_MAX_BYTES never; and
each stored page is compressed. docs/deploy.md has the Redis settings that bound the rest.
"""

import hashlib
import threading
import time
import zlib
from collections import OrderedDict
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_vary_headers
from django.utils.http import parse_etags, urlencode

SITE, LISTINGS = "site", "listings"
DEFAULT_TAGS = (SITE, LISTINGS)
# A record's tag is kept a day after it was last read or moved; a tag the cache no longer holds
# starts again above every version it had, so a page stored under it is stale, never revived.
RECORD_TAG_SECONDS = 24 * 3600


def first_version() -> int:
    """A starting version above any used before, should the cache lose a tag's version."""
    return time.time_ns() // 1000


def tag_key(tag: str) -> str:
    return f"tag:{tag}"


def tag_timeout(tag: str) -> int | None:
    return RECORD_TAG_SECONDS if ":" in tag else None


class TagVersions:
    """The tags' versions as this process last read them, for at most `fresh_for` seconds
    (settings.PAGE_CACHE_VERSION_CHECK_SECONDS): a hot page then costs no shared-cache read at
    all, and an edit through another app server shows here within that time. An edit through
    this process shows at once."""

    def __init__(self, size=10_000):
        self.known, self.size, self.lock = {}, size, threading.Lock()
        self.clock = time.monotonic

    def get(self, tags) -> dict[str, int]:
        now, fresh_for = self.clock(), settings.PAGE_CACHE_VERSION_CHECK_SECONDS
        with self.lock:
            found = {
                t: self.known[t][0]
                for t in tags
                if now - self.known.get(t, (0, -1e9))[1] < fresh_for
            }
        missing = [tag for tag in tags if tag not in found]
        if missing:
            read = read_versions(missing)
            with self.lock:
                self.known.update({tag: (version, now) for tag, version in read.items()})
                if len(self.known) > self.size:  # a record's tag per page visited: forget old ones
                    self.known = {
                        t: known for t, known in self.known.items() if now - known[1] < fresh_for
                    }
            found |= read
        return found

    def moved(self, tag, version):
        with self.lock:
            self.known[tag] = (version, self.clock())

    def clear(self):
        with self.lock:
            self.known.clear()


def read_versions(tags) -> dict[str, int]:
    """The current versions of `tags` from the shared cache, starting those it doesn't hold."""
    keys = {tag_key(tag): tag for tag in tags}
    found = cache.get_many(list(keys))
    for key, tag in keys.items():
        if key not in found:
            cache.add(key, first_version(), timeout=tag_timeout(tag))
            found[key] = cache.get(key)
    return {tag: found[key] for key, tag in keys.items()}


tag_versions = TagVersions()


def versions_of(*tags) -> tuple[int, ...]:
    """The current versions of `tags`, in order: part of the key of anything made from them
    (`key_text` writes them in a key)."""
    found = tag_versions.get(tags)
    return tuple(found[tag] for tag in tags)


def key_text(versions: tuple[int, ...]) -> str:
    return "-".join(map(str, versions))


# How long a record or a rendered part of a page is kept by `kept` (and `{% compressed_cache %}`
# in templates, core/templatetags/fragments.py): the versions of what it shows are in its key,
# so an edit makes it stale at once; this bounds what the shared cache holds.
KEPT_SECONDS = 3600


def kept(key: str, versions: tuple[int, ...], make):
    """What `make()` returns, from the shared cache while `versions` stand (a page's record,
    its schema.org data). A record a visitor may not see raises Http404 in `make`, and nothing
    is kept."""
    key = f"{key}:{key_text(versions)}"
    value = cache.get(key)
    if value is None:
        value = make()
        cache.set(key, value, KEPT_SECONDS)
    return value


def pages_changed(*tags) -> None:
    """Make the pages that depend on `tags` stale, on every app server (the increment is atomic
    on Redis); with no tags, every page (`site`)."""
    for tag in tags or (SITE,):
        key = tag_key(tag)
        try:
            version = cache.incr(key)
        except ValueError:  # not held: start it above any version it had
            cache.set(key, version := first_version(), timeout=tag_timeout(tag))
        else:
            if tag_timeout(tag):
                cache.touch(key, tag_timeout(tag))
        tag_versions.moved(tag, version)


def site_only(url_kwargs):
    """`cache_public_page(tags=site_only)`: a page that shows no programs nor schools."""
    return ()


def invalidate_on_change(*models, tags=None) -> None:
    """Public pages show these models: a save or a delete moves `tags(instance)` (the tags of
    the pages that show it, before and after the change), and `site` when `tags` is not given;
    a change to their many-to-many relations moves `site`. Called by each app's AppConfig.ready."""

    def moved(sender, instance=None, **kwargs):
        changed(*(tags(instance) if tags and instance is not None else (SITE,)))

    def moved_before(sender, instance, raw=False, **kwargs):
        # What the record showed before: a program moved to another career leaves the old
        # guide's count stale otherwise.
        if instance.pk is not None and not raw:
            before = sender._default_manager.filter(pk=instance.pk).first()
            if before is not None:
                changed(*tags(before))

    def relations_moved(sender, **kwargs):
        changed(SITE)

    for model in models:
        for signal in (post_save, post_delete):
            signal.connect(moved, sender=model, dispatch_uid=f"pagecache-{model}", weak=False)
        if tags:
            pre_save.connect(
                moved_before, sender=model, dispatch_uid=f"pagecache-pre-{model}", weak=False
            )
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            m2m_changed.connect(
                relations_moved, sender=through, dispatch_uid=f"pagecache-{field}", weak=False
            )


def changed(*tags) -> None:
    """An edit's tags move at once (this request's next pages show it), and again when its
    transaction commits: a page another server made in between, from the rows as they were
    before the commit, is then stale too."""
    pages_changed(*tags)
    transaction.on_commit(lambda: pages_changed(*tags))


def is_cacheable_request(request) -> bool:
    cookies = request.COOKIES
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in cookies
        and "messages" not in cookies
    )


def page_key(request) -> str:
    """The cache key for this URL: its path and its query, parameters in a stable order (so the
    same parameters in another order are answered with the stored canonical page). "v2" names
    the stored format, which an app server of an older release never reads."""
    query = urlencode(sorted((name, request.GET.getlist(name)) for name in request.GET), doseq=True)
    return "page:v2:" + hashlib.sha256(f"{request.path}?{query}".encode()).hexdigest()


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


def public_headers(response, etag) -> None:
    """What lets a browser, a proxy or a CDN keep the page and revalidate it (docs/deploy.md)."""
    response["Cache-Control"] = (
        f"public, max-age={settings.PAGE_MAX_AGE}, s-maxage={settings.PAGE_MAX_AGE}, "
        f"stale-while-revalidate={settings.PAGE_CACHE_SECONDS}"
    )
    response["ETag"] = etag
    patch_vary_headers(response, ("Cookie",))  # a visitor with a session gets their own page


def not_modified(request, etag) -> bool:
    return etag in parse_etags(request.headers.get("If-None-Match", ""))


class RecentPages:
    """This process's most recently served pages, decompressed: a hot page is read from the
    shared cache only when one of its tags moved."""

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
        page = {**stored, "body": zlib.decompress(stored["body"])}  # decompressed once
        if not is_current(page):
            return None
        recent_pages.put(key, page)
    if not_modified(request, page["etag"]):
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(page["body"], content_type=page["content_type"])
    public_headers(response, page["etag"])
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
            if storing:
                store(request, response, etag, versions, popular_only)
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


def store(request, response, etag, versions, popular_only) -> None:
    timeout = settings.PAGE_CACHE_SECONDS
    key = page_key(request)
    if len(response.content) <= settings.PAGE_CACHE_MAX_BYTES and (
        not any(name in request.GET for name in popular_only)
        or first_requests.asked_before(key, within=timeout)
    ):
        page = {
            "tags": versions,
            "etag": etag,
            "body": zlib.compress(response.content),  # a 45 KB listing becomes about 6 KB
            "content_type": response["Content-Type"],
        }
        cache.set(key, page, timeout)
        response["X-Page-Cache"] = "miss"
