"""`{{ career|translated:"title" }}`: an editor-written text in the visitor's language.
`{% alternate_links canonical_url language_links %}`: the page's hreflang links;
`{% language_switch language_links %}`: the header's link to the page in the other language.

The two tags are on every page, so they are made in Python (an include or a loop of the
template language cost several times as much), giving the markup the template gave."""

from urllib.parse import urlsplit, urlunsplit

from django import template
from django.conf import settings
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from core.i18n import path_in
from core.i18n import translated as translated_text

register = template.Library()

SWITCH_TEXT = {  # in the language it leads to, with what it does for screen readers
    "es": mark_safe('Español<span class="visually-hidden"> (ver esta página en español)</span>'),
    "en": mark_safe('English<span class="visually-hidden"> (see this page in English)</span>'),
}


@register.filter
def translated(obj, field):
    return translated_text(obj, field)


def in_language(url, language) -> str:
    """The same page's URL in another language."""
    parts = urlsplit(str(url))
    return urlunsplit(parts._replace(path=path_in(parts.path or "/", language)))


@register.simple_tag
def alternate_links(canonical_url, language_links):
    """The page's URL in each language, and English as the default for any other."""
    if not language_links:
        return mark_safe("\n  ")
    links = [
        format_html(
            '\n  <link rel="alternate" hreflang="{}" href="{}">',
            link["code"],
            in_language(canonical_url, link["code"]),
        )
        for link in language_links
    ]
    default = in_language(canonical_url, settings.LANGUAGE_CODE)
    return mark_safe(
        "".join(links)
        + format_html('\n  <link rel="alternate" hreflang="x-default" href="{}">', default)
    )


@register.simple_tag
def language_switch(language_links):
    return mark_safe(
        "".join(
            format_html(
                '\n      <a class="language-switch" href="{}" lang="{}" hreflang="{}">{}</a>\n'
                "      ",
                link["url"],
                link["code"],
                link["code"],
                SWITCH_TEXT.get(link["code"], link["name"]),
            )
            for link in language_links
            if not link["current"]
        )
    )
