"""What public pages and their parts are made from, as tags with versions in the shared cache.

A tag names something pages show: `site` (what every page shares: guides, careers, the header;
moved by bulk imports and by an edit of any model registered without tags), `listings`
(anything that shows or counts programs), and one per record: `program:12`, `school:<unitid>`,
`career:<slug>`. Each has a version, one integer in the shared cache. Whatever is made from
tagged content (a cached page, a fragment, a record, facet counts, the search vocabulary) is
kept with, or keyed by, the versions it was made under (`versions_of`) and used only while they
stand; counts too costly to make on a request (`counted`) are shown as kept while a task counts
them again. An edit moves the tags of what it touches (`invalidate_on_change`, from each app's
AppConfig.ready); a bulk load calls `pages_changed()`. Nothing is deleted: stale entries are no
longer read and expire. core/pagecache.py stores whole pages under these tags.
"""

import pickle
import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.utils.translation import get_language

from .recent import Recent

SITE, LISTINGS = "site", "listings"
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


# This process's most recently used records, pickled: the tier in front of the shared cache.
recent_records = Recent(size=500)


def kept(key: str, versions: tuple[int, ...], make, worth_keeping=None):
    """What `make()` returns, from this process or the shared cache while `versions` stand (a
    page's record, its schema.org data). A record a visitor may not see raises Http404 in
    `make`, and nothing is kept; nor when `worth_keeping()`, asked only then, says no. Each call
    gets its own copy: a view may add to a record."""
    key = f"{key}:{get_language()}:{key_text(versions)}"  # records hold translated labels
    pickled = recent_records.get(key)
    if pickled is not None:
        return pickle.loads(pickled)
    value = cache.get(key)
    if value is None:
        value = make()
        if worth_keeping is not None and not worth_keeping():
            return value
        cache.set(key, value, KEPT_SECONDS)
    recent_records.put(key, pickle.dumps(value, pickle.HIGHEST_PROTOCOL), KEPT_SECONDS)
    return value


# Counts are kept this long after they were counted, so that after an edit there are counts to
# show while a task counts again; one recount is asked for at a time per key and version (a
# task that fails is asked for again after the guard).
COUNTS_SECONDS = 24 * 3600
RECOUNT_GUARD_SECONDS = 5 * 60


def counted(key: str, versions: tuple[int, ...], count, recount):
    """(counts, the versions they were counted under): what `count()` returns, kept under `key`.
    Once an edit moves `versions`, the counts kept are returned while `recount()` (a task's
    enqueue, which calls `keep_counts`) counts again off the request, asked for once per
    version: no visitor waits for a recount. Counted on the request only when none are kept."""
    kept = cache.get(key)
    guard = f"recounting:{key}:{key_text(versions)}"
    if (
        kept is not None
        and kept["versions"] != versions
        and cache.add(guard, True, RECOUNT_GUARD_SECONDS)
    ):
        recount()
        kept = cache.get(key)  # counted already where tasks run at once (development)
    if kept is None:
        kept = keep_counts(key, versions, count())
    return kept["counts"], kept["versions"]


def keep_counts(key: str, versions: tuple[int, ...], counts) -> dict:
    kept = {"versions": tuple(versions), "counts": counts}
    cache.set(key, kept, COUNTS_SECONDS)
    return kept


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
