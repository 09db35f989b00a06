"""`{{ career|translated:"title" }}`: an editor-written text in the visitor's language;
`{{ url|in_language:"es" }}`: the same page's URL in another language."""

from urllib.parse import urlsplit, urlunsplit

from django import template

from core.i18n import path_in
from core.i18n import translated as translated_text

register = template.Library()


@register.filter
def translated(obj, field):
    return translated_text(obj, field)


@register.filter
def in_language(url, language):
    parts = urlsplit(str(url))
    return urlunsplit(parts._replace(path=path_in(parts.path or "/", language)))
