import functools

from django import template
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import mark_safe

from corrections.forms import CorrectionForm, correction_target
from corrections.services import open_corrections_summary

register = template.Library()


# The footer form is the same on every page showing the same kind of thing (and, for programs,
# the same length unit) except for two values, so it is rendered once per process, kind and
# language, and each page's values are put in. It holds no token: core/crossorigin.py guards it.
PAGE_BLANK, KEY_BLANK = "__page_url__", "__target_key__"


@functools.cache
def blank_correction_form(kind: str, length_unit: str = "", language: str = "") -> str:
    """`language` only keys the cache: the form is rendered in the active language."""
    form = CorrectionForm(
        initial={"page_url": PAGE_BLANK, "target": f"{kind}:{KEY_BLANK}" if kind else ""},
        auto_id="correction_%s",
        length_unit=length_unit,
    )
    return render_to_string("corrections/includes/correction_form.html", {"form": form})


@register.simple_tag(takes_context=True)
def correction_form(context, about=None):
    """The "Notice an update we should make?" form, tied to this page and what it shows."""
    request = context.get("request")
    if request is None:  # error pages rendered without a request (500, CSRF failure)
        return ""
    kind, _, key = (correction_target(about) if about else "").partition(":")
    html = (
        blank_correction_form(
            kind, getattr(about, "length_unit", ""), translation.get_language() or ""
        )
        .replace(PAGE_BLANK, escape(request.get_full_path()))
        .replace(KEY_BLANK, escape(key))
    )
    return mark_safe(html)  # the template's output, with escaped values put in


@register.simple_tag
def open_corrections():
    return open_corrections_summary()
