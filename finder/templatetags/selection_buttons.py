"""`{% selection_buttons program %}`: a program's add/remove buttons for compare and the
shortlist, on its page, its card and the compare page.

Made in Python rather than an included template: the program page draws it on every request
(its card keeps it), and the include with its two translated labels took a tenth of the page.
It reads the page's `selection_urls` (finder/context_processors.py), `compare_ids` and
`shortlist_ids`, as the template did.
"""

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

register = template.Library()

FORM = (
    '  <form method="post" action="{action}">\n'
    '    <input type="hidden" name="program" value="{pk}">\n'
    '    <input type="hidden" name="next" value="{back}#program-{pk}">\n'
    "    \n"
    '      <button type="submit" name="action" value="{verb}" class="secondary" '
    'aria-label="{label}">{text}</button>\n'
    "    \n"
    "  </form>\n"
)


def button_form(action, program, back, chosen, label, text):
    return format_html(
        FORM,
        action=action,
        pk=program.pk,
        back=back,
        verb="remove" if chosen else "add",
        label=label,
        text=text,
    )


@register.simple_tag(takes_context=True)
def selection_buttons(context, program):
    urls = context.get("selection_urls") or {}
    names = {
        "school_name": conditional_escape(program.school.name),
        "credential": conditional_escape(program.get_credential_level_display()),
    }
    compared = program.pk in (context.get("compare_ids") or ())
    saved = program.pk in (context.get("shortlist_ids") or ())
    if compared:
        compare = (
            _("Remove from compare: %(school_name)s, %(credential)s"),
            _("Remove from compare"),
        )
    else:
        compare = (_("Add to compare: %(school_name)s, %(credential)s"), _("Add to compare"))
    if saved:
        shortlist = (
            _("Remove from shortlist: %(school_name)s, %(credential)s"),
            _("Remove from shortlist"),
        )
    else:
        shortlist = (
            _("Save to shortlist: %(school_name)s, %(credential)s"),
            _("Save to shortlist"),
        )
    back = urls.get("back", "")
    return mark_safe(
        '\n<div class="selection-buttons">\n'
        + button_form(
            urls.get("compare", ""),
            program,
            back,
            compared,
            mark_safe(compare[0] % names),
            compare[1],
        )
        + button_form(
            urls.get("shortlist", ""),
            program,
            back,
            saved,
            mark_safe(shortlist[0] % names),
            shortlist[1],
        )
        + "</div>\n\n"
    )
