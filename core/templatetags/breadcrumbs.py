"""`{% breadcrumbs crumbs %}`: the page's trail (core/pages.py `trail`), the last one marked as
the current page. On every page, so made in Python rather than an included template."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def breadcrumbs(crumbs):
    items = [
        format_html('\n      <li><a href="{}">{}</a></li>\n    ', crumb["url"], crumb["name"])
        for crumb in crumbs[:-1]
    ]
    if crumbs:
        last = crumbs[-1]
        items.append(
            format_html(
                '\n      <li><a href="{}" aria-current="page">{}</a></li>\n      \n    ',
                last["url"],
                last["name"],
            )
        )
    return format_html(
        '<nav class="breadcrumbs wrap" aria-label="{}">\n  <ol>\n    {}\n  </ol>\n</nav>\n',
        _("Breadcrumb"),
        mark_safe("".join(items)),
    )
