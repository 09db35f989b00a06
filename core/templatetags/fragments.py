"""Rendered parts of public pages kept in the shared cache, compressed.

`{% compressed_cache 3600 program-body program.pk body_versions %}…{% endcompressed_cache %}`
works as Django's `{% cache %}` (timeout, fragment name, the values it varies on: put the
versions of what the fragment shows among them, core/tags.py `versions_of`), but keeps the
HTML zlib-compressed, as the page cache keeps whole pages: a program's body is 15 KB of HTML and
under 4 KB compressed, and there can be one per program in Redis (docs/deploy.md, the page
cache's memory). Compressing it costs about 0.25 ms when it is made, decompressing 0.04 ms when
it is read. Each process keeps its most recently used ones decompressed as well, so a hot
fragment costs no shared-cache read.
"""

import zlib

from django import template
from django.core.cache import cache
from django.core.cache.utils import make_template_fragment_key
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from core.recent import Recent

register = template.Library()
# This process's most recently used fragments, decompressed, in front of the shared cache: the
# versions in their keys make them stale.
recent_fragments = Recent(size=500)


class CompressedCacheNode(template.Node):
    def __init__(self, nodelist, timeout, name, vary_on):
        self.nodelist, self.timeout, self.name, self.vary_on = nodelist, timeout, name, vary_on

    def render(self, context):
        # Each language's rendering apart, whatever the template names.
        vary_on = [get_language(), *(value.resolve(context) for value in self.vary_on)]
        key = "zlib:" + make_template_fragment_key(self.name, vary_on)
        html = recent_fragments.get(key)
        if html is not None:
            return html
        timeout = int(self.timeout.resolve(context))
        kept = cache.get(key)
        if kept is not None:
            html = mark_safe(zlib.decompress(kept).decode())
        else:
            html = mark_safe(self.nodelist.render(context))
            cache.set(key, zlib.compress(html.encode()), timeout)
        recent_fragments.put(key, html, timeout)
        return html


@register.tag
def compressed_cache(parser, token):
    bits = token.split_contents()
    if len(bits) < 3:
        raise template.TemplateSyntaxError(f"{bits[0]!r} takes a timeout and a fragment name")
    nodelist = parser.parse(("endcompressed_cache",))
    parser.delete_first_token()
    timeout, name, *vary_on = bits[1:]
    return CompressedCacheNode(
        nodelist,
        parser.compile_filter(timeout),
        name,
        [parser.compile_filter(value) for value in vary_on],
    )


# Parts of every page that change only with a release, rendered once per process.
release_fragments = Recent(size=1000)


class ReleaseCacheNode(template.Node):
    def __init__(self, nodelist, name, vary_on):
        self.nodelist, self.name, self.vary_on = nodelist, name, vary_on

    def render(self, context):
        key = (self.name, get_language(), *(value.resolve(context) for value in self.vary_on))
        html = release_fragments.get(key)
        if html is None:
            html = mark_safe(self.nodelist.render(context))
            release_fragments.put(key, html)
        return html


@register.tag
def release_cache(parser, token):
    """`{% release_cache site-nav url_name count %}…{% endrelease_cache %}`: a part that shows no
    content, only the site's own text and links (the header's navigation, the footer's notes),
    rendered once per process, language and the values named, and kept until the process ends,
    which a new release ends. Anything an editor or an import can change must not be in it."""
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError(f"{bits[0]!r} takes a fragment name")
    nodelist = parser.parse(("endrelease_cache",))
    parser.delete_first_token()
    name, *vary_on = bits[1:]
    return ReleaseCacheNode(nodelist, name, [parser.compile_filter(value) for value in vary_on])
