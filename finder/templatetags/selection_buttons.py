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
from django.utils.translation import gettext_lazy as _

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
# Per list (its update URL in `selection_urls`, its ids in `<list>_ids`): the button's label
# and text when the program is not in it, and when it is.
BUTTONS = {
    "compare": (
        (_("Add to compare: %(school_name)s, %(credential)s"), _("Add to compare")),
        (_("Remove from compare: %(school_name)s, %(credential)s"), _("Remove from compare")),
    ),
    "shortlist": (
        (_("Save to shortlist: %(school_name)s, %(credential)s"), _("Save to shortlist")),
        (_("Remove from shortlist: %(school_name)s, %(credential)s"), _("Remove from shortlist")),
    ),
}


@register.simple_tag(takes_context=True)
def selection_buttons(context, program):
    urls = context.get("selection_urls") or {}
    names = {
        "school_name": conditional_escape(program.school.name),
        "credential": conditional_escape(program.get_credential_level_display()),
    }
    forms = []
    for kind, (add, remove) in BUTTONS.items():
        chosen = program.pk in (context.get(f"{kind}_ids") or ())
        label, text = remove if chosen else add
        forms.append(
            format_html(
                FORM,
                action=urls.get(kind, ""),
                pk=program.pk,
                back=urls.get("back", ""),
                verb="remove" if chosen else "add",
                label=mark_safe(str(label) % names),
                text=text,
            )
        )
    return mark_safe('\n<div class="selection-buttons">\n' + "".join(forms) + "</div>\n\n")
