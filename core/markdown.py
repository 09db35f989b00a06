"""Editor-written Markdown to safe HTML: rendered with Markdown, then cleaned with nh3."""

from functools import lru_cache

import markdown
import nh3
from django.utils.safestring import mark_safe

ALLOWED_TAGS = {"p", "ul", "ol", "li", "h3", "h4", "strong", "em", "a", "br", "blockquote", "code"}


@lru_cache(maxsize=512)  # the same text always gives the same HTML: render it once per process
def render_markdown(text: str) -> str:
    html = markdown.markdown(text, extensions=["sane_lists"])
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href"}},
        url_schemes={"https", "http", "mailto"},
        link_rel="noopener",
    )
    return mark_safe(cleaned)
